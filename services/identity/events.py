"""The events identity emits on `identity.events` (services/common/events.py). Each
carries the envelope too: event_id, event_type, occurred_at, actor. Consumers: dossier
(account_activated), notify (account_language_changed), the gateway's principal cache
(gateway/principals.py INVALIDATING_EVENTS)."""

from services.common.events import Event, absent_unless_given, event


@event("account_created")
class AccountCreated(Event):
    """An account was made: a client's, a staff member's or the first admin's."""

    account_id: str
    kind: str


@event("account_activated")
class AccountActivated(Event):
    """A client set the first password: the invitation is accepted."""

    account_id: str


@event("account_language_changed")
class AccountLanguageChanged(Event):
    """The account chose another language for the portal and its messages."""

    account_id: str
    language: str


@event("account_locked")
class AccountLocked(Event):
    """Too many failed logins: the account is locked until `locked_until` (ISO time)."""

    account_id: str
    locked_until: str
    source_ip: str | None


@event("account_removed")
class AccountRemoved(Event):
    """The account is gone."""

    account_id: str


@event("session_revoked")
class SessionRevoked(Event):
    """One session ended (`session_id`, a logout) or all of an account's (`account_id`)."""

    reason: str
    session_id: str | None = absent_unless_given()
    account_id: str | None = absent_unless_given()


@event("second_factor_changed")
class SecondFactorChanged(Event):
    """The account's second step changed: `method`, or None when it was turned off."""

    account_id: str
    method: str | None


@event("device_bound")
class DeviceBound(Event):
    """A device was bound to the account (a registration finished on it)."""

    account_id: str
    device_id: str


@event("device_unbound")
class DeviceUnbound(Event):
    """A device was unbound from the account."""

    account_id: str
    device_id: str


@event("membership_changed")
class MembershipChanged(Event):
    """A staff member was added to an office, removed from it, or got another role."""

    account_id: str
    office_id: str
    change: str
    role: str | None


@event("registration_requested")
class RegistrationRequested(Event):
    """Someone asked to join an office's staff: awaiting approval."""

    registration_id: str
    office_id: str
    role: str


@event("registration_approved")
class RegistrationApproved(Event):
    """A registration was approved: the account is staff at the office now."""

    registration_id: str
    account_id: str
    office_id: str
    role: str


@event("registration_rejected")
class RegistrationRejected(Event):
    """A registration was rejected."""

    registration_id: str
    account_id: str
    office_id: str
