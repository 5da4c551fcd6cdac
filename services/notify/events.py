"""The events notify emits on `notify.events` (services/common/events.py). Each carries
the envelope too: event_id, event_type, occurred_at, actor (None: notify acts alone).
And the command notify takes on `notify.commands` from every other service."""

from services.common.events import Command, Event, absent_unless_given, event


@event("notification_sent")
class NotificationSent(Event):
    """A notification was delivered."""

    notification_id: str
    template: str
    channel: str
    status: str
    attempts: int


@event("notification_failed")
class NotificationFailed(Event):
    """A notification could not be delivered and will not be tried again."""

    notification_id: str
    template: str
    channel: str
    status: str
    attempts: int


# -- commands: what the other services send to notify on notify.commands ----------------
@event("send_notification")
class SendNotification(Command):
    """Send `template`, filled in with `data`, to `to` ({email} or {mobile}) in `language`
    (the account's own, when notify knows `account_id`, wins; so do its preferences)."""

    template: str
    language: str | None
    to: dict
    data: dict | None = absent_unless_given()
    account_id: str | None = absent_unless_given()


@event("forget_recipients")
class ForgetRecipients(Command):
    """A client's retention ended (dossier, docs/privacy.md): the delivery log forgets
    these e-mail addresses and mobile numbers (E.164). Idempotent."""

    emails: list[str]
    mobiles: list[str]
