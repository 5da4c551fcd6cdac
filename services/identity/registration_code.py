"""The app registration's second and third steps: the person identifies (their office's
partner ID and their own e-mail or mobile as the office recorded it) and gets a code,
then confirms it; their office's approvers are then told. A miss is refused with
`uow.refuse`, so that its count is committed before the caller gets the error."""

from sqlalchemy import select

from services.common.contacts import normalise_mobile
from services.common.db import utcnow
from services.common.tokens import matches
from services.notify.events import SendNotification

from . import access, domain, edge, guard, lookup
from .events import RegistrationRequested
from .exceptions import InvalidCode, RegistrationLocked, UnknownCombination, WrongState
from .models import Account, AuditEntry, Membership
from .registration import find
from .staff import record


def identify(uow, registration_id, office, partner_id, email, mobile, source_ip, settings):
    """Match the partner ID plus exactly the recorded e-mail or mobile of a staff member.
    -> {"status": "code_sent", "channel"}. A miss: UnknownCombination with
    details.attempts_left, the last one RegistrationLocked (both counted).
    Misses count per registration (three lock it), per source address (an hour's worth
    refuses more) and per partner ID (which only slows guessing down: whoever misses on
    an office's partner ID must not keep its people from registering). `settings`:
    identity's (the limits' bursts)."""
    registration = _in_state(uow, registration_id, "started")  # once: a new code, anew
    partner_id = partner_id.strip().upper()[:50]
    miss_buckets = (
        (settings.limit("IDENTIFY_MISSES_PER_HOUR"), source_ip),
        (settings.limit("IDENTIFY_MISSES_PER_PARTNER"), partner_id),
    )
    edge.refuse_when_empty(uow, *miss_buckets)
    account = _match(uow, office, email, mobile)
    if account is None:
        _missed(uow, registration, office, miss_buckets)
    _check_codes_sent(uow, account.id)
    channel = "email" if email else "sms"
    code = _code_sent(uow, registration, account, office, channel)
    uow.send(
        "notify",
        SendNotification(
            template="registration_code",
            language=account.language,
            to={"email": account.email} if channel == "email" else {"mobile": account.mobile},
            # Only the code: it must be the one 6-digit number in the text, and an
            # office's name may hold digits.
            data={"code": code, "minutes": 10},
        ),
    )
    return {"status": "code_sent", "channel": channel}


def _in_state(uow, registration_id, status):
    """The registration, locked, when it is in `status`; RegistrationLocked or WrongState."""
    registration = find(uow, registration_id, lock=True)
    if registration.status == "locked":
        raise RegistrationLocked()
    if registration.status != status:
        raise WrongState({"status": registration.status})
    return registration


def _missed(uow, registration, office, miss_buckets):
    """A miss, counted (the third locks the registration) and refused."""
    edge.count_miss(uow, *miss_buckets)
    registration.attempts_left -= 1
    if registration.attempts_left <= 0:
        registration.status = "locked"
    record(
        uow,
        None,
        "registration_identify_failed",
        "registration",
        registration.id,
        office["id"] if office else None,
        attempts_left=registration.attempts_left,
    )
    uow.refuse(
        RegistrationLocked()
        if registration.status == "locked"
        else UnknownCombination({"attempts_left": registration.attempts_left})
    )


def _code_sent(uow, registration, account, office, channel):
    """The registration is the person's at the office now, waiting for their code. -> it."""
    code, code_hash = domain.new_code()
    registration.account_id, registration.office_id = account.id, office["id"]
    registration.office_name = (office.get("name") or "")[:200] or None
    registration.role = access.offices_of(uow.session, account.id)[office["id"]]
    registration.channel, registration.code_hash = channel, code_hash
    registration.code_expires_at = utcnow() + domain.CODE_VALIDITY
    registration.code_attempts, registration.status = 0, "code_sent"
    registration.display_name = account.name or domain.PLACEHOLDER_NAME
    record(
        uow,
        None,
        "registration_code_sent",
        "account",
        account.id,
        office["id"],
        registration_id=registration.id,
        channel=channel,
    )
    return code


def _check_codes_sent(uow, account_id):
    """No flood of codes to one person, however many registrations are started."""
    guard.refuse_beyond_per_hour(
        uow,
        AuditEntry.at,
        domain.CODES_PER_HOUR,
        AuditEntry.action == "registration_code_sent",
        AuditEntry.object_id == account_id,
    )


def _match(uow, office, email, mobile):
    if office is None:
        return None
    if email:
        contact = lookup.has_email(uow.session, email)
    else:
        normalised = normalise_mobile(mobile)
        if normalised is None:  # not a number: a miss (and never "no mobile on file")
            return None
        contact = lookup.has_mobile(uow.session, normalised)
    return uow.session.scalar(
        select(Account)
        .join(Membership, Membership.account_id == Account.id)
        .where(Membership.office_id == office["id"], Account.kind == "staff", contact)
    )


def verify(uow, registration_id, code, portal_url=""):
    """-> {"status": "awaiting_approval"}. A miss: InvalidCode, the fifth
    RegistrationLocked (both counted)."""
    registration = _in_state(uow, registration_id, "code_sent")
    fresh = utcnow() < registration.code_expires_at
    if not fresh or not matches(registration.code_hash, code):
        locked = guard.count_attempt(registration, "code_attempts", domain.CODE_ATTEMPTS)
        if locked:
            registration.status = "locked"
        uow.refuse(RegistrationLocked() if locked else InvalidCode())
    registration.status, registration.code_hash = "awaiting_approval", None
    record(
        uow,
        registration.account_id,
        "registration_verified",
        "registration",
        registration.id,
        registration.office_id,
        role=registration.role,
    )
    uow.emit(
        RegistrationRequested(
            registration_id=registration.id,
            office_id=registration.office_id,
            role=registration.role,
        ),
        actor=registration.account_id,
    )
    _tell_approvers(uow, registration, portal_url)
    return {"status": "awaiting_approval"}


def _tell_approvers(uow, registration, portal_url):
    """Each approver gets an e-mail: somebody's registration waits for them."""
    approvers = access.approvers(registration.office_id, registration.role)
    for approver in uow.session.scalars(approvers):
        uow.send(
            "notify",
            SendNotification(
                template="registration_waiting",
                language=approver.language,
                to={"email": approver.email},
                account_id=approver.id,
                data={
                    "name": approver.name,
                    "person": registration.display_name,
                    "office": registration.office_name or "",
                    "role": registration.role,
                    # where the approver finds it: the lender per office, staff under Medewerkers
                    "portal_url": f"{portal_url}/offices/{registration.office_id}"
                    if registration.role == "owner"
                    else f"{portal_url}/staff",
                },
            ),
        )
