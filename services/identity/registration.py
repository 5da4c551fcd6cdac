"""The app registration (device binding): start, identify, verify, approve or reject,
complete. The registration id is the app's handle on its own registration; each step
checks the state it needs. A miss is refused with `uow.refuse`, so that its count is
committed before the caller gets the error."""

from sqlalchemy import select

from services.common.contacts import normalise_mobile
from services.common.db import new_id, utcnow
from services.common.errors import Forbidden, NotFound
from services.common.paging import asc
from services.common.schemas import load
from services.common.tokens import matches
from services.notify.events import SendNotification

from . import domain, edge, guard
from .events import DeviceBound, RegistrationApproved, RegistrationRejected, RegistrationRequested
from .exceptions import (
    ClientVersionUnsupported,
    InvalidCode,
    InvalidSignature,
    RegistrationLocked,
    UnknownCombination,
    WrongState,
)
from .models import Account, AuditEntry, Device, Membership, Registration
from .schemas import NewRegistration
from .sessions import open_session
from .staff import offices_of, record


def start(uow, device, minimums, source_ip):
    """device: {public_key, name, platform, os_version, app_version}; minimums: {ios,
    android, app} minimum versions (empty: none)."""
    platform_minimum = minimums.get(device["platform"])
    if not (
        domain.version_supported(device["os_version"], platform_minimum)
        and domain.version_supported(device["app_version"], minimums.get("app"))
    ):
        raise ClientVersionUnsupported(
            {"minimum": {"os": platform_minimum or None, "app": minimums.get("app") or None}}
        )
    public_key = load(NewRegistration(), {"device": device})["device"]["public_key"]
    registration = Registration(
        id=new_id(),
        status="started",
        display_name=domain.PLACEHOLDER_NAME,
        attempts_left=domain.REGISTRATION_ATTEMPTS,
        public_key=public_key,
        device_name=device["name"],
        platform=device["platform"],
        os_version=device["os_version"],
        app_version=device["app_version"],
        code_attempts=0,
        source_ip=source_ip,
        created_at=utcnow(),
    )
    uow.session.add(registration)
    return describe(registration)


def identify(uow, registration_id, office, partner_id, email, mobile, source_ip, config=None):
    """Match the partner ID plus exactly the recorded e-mail or mobile of a staff member.
    -> {"status": "code_sent", "channel"}. A miss: UnknownCombination with
    details.attempts_left, the last one RegistrationLocked (both counted).
    Misses count per registration (three lock it), per source address (an hour's worth
    refuses more) and per partner ID (which only slows guessing down: whoever misses on
    an office's partner ID must not keep its people from registering)."""
    registration = _get(uow, registration_id, lock=True)
    if registration.status == "locked":
        raise RegistrationLocked()
    if registration.status != "started":  # once: a new code means starting over
        raise WrongState({"status": registration.status})
    partner_id = partner_id.strip().upper()[:50]
    miss_buckets = (
        (edge.limit(config, "IDENTIFY_MISSES_PER_HOUR"), source_ip),
        (edge.limit(config, "IDENTIFY_MISSES_PER_PARTNER"), partner_id),
    )
    edge.refuse_when_empty(uow, *miss_buckets)
    account = _match(uow, office, email, mobile)
    if account is not None:
        _check_codes_sent(uow, account.id)
    if account is None:
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
    code, code_hash = domain.new_code()
    channel = "email" if email else "sms"
    registration.account_id, registration.office_id = account.id, office["id"]
    registration.office_name = (office.get("name") or "")[:200] or None
    registration.role = offices_of(uow.session, account.id)[office["id"]]
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
        contact = Account.email == domain.normalise_email(email)
    else:
        normalised = normalise_mobile(mobile)
        if normalised is None:  # not a number: a miss (and never "no mobile on file")
            return None
        contact = Account.mobile == normalised
    return uow.session.scalar(
        select(Account)
        .join(Membership, Membership.account_id == Account.id)
        .where(Membership.office_id == office["id"], Account.kind == "staff", contact)
    )


def verify(uow, registration_id, code, portal_url=""):
    """-> {"status": "awaiting_approval"}. A miss: InvalidCode, the fifth
    RegistrationLocked (both counted)."""
    registration = _get(uow, registration_id, lock=True)
    if registration.status == "locked":
        raise RegistrationLocked()
    if registration.status != "code_sent":
        raise WrongState({"status": registration.status})
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


def approvers(uow, office_id, role):
    """Who may approve a registration for `role` at the office (domain.may_approve): the
    admin for an owner; the owners for a staff manager; owners and staff managers for
    staff."""
    if role == "owner":
        return uow.session.scalars(select(Account).where(Account.kind == "admin")).all()
    roles = ("owner",) if role == "staff_manager" else ("owner", "staff_manager")
    return uow.session.scalars(
        select(Account)
        .join(Membership, Membership.account_id == Account.id)
        .where(Membership.office_id == office_id, Membership.role.in_(roles))
    ).all()


def _tell_approvers(uow, registration, portal_url):
    """Each approver gets an e-mail: somebody's registration waits for them."""
    for approver in approvers(uow, registration.office_id, registration.role):
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


def describe(registration):
    answer = {
        "id": registration.id,
        "status": registration.status,
        "display_name": registration.display_name,
        "attempts_left": registration.attempts_left,
    }
    if registration.status == "approved":
        answer["challenge"] = registration.challenge
    return answer


def describe_by_id(uow, registration_id):
    return describe(_get(uow, registration_id))


def remove(uow, registration_id):
    """The unfinished placeholder goes; the person may start over (the miss limits per
    source address and partner ID still hold: they are kept apart, in rate buckets)."""
    registration = _get(uow, registration_id)
    if registration.status == "completed":
        raise WrongState({"status": registration.status})
    uow.session.delete(registration)


def requests_for(uow, pager, principal, office_id, limit=50, cursor=None):
    """A page of the approver's queue, oldest first: what the caller may approve at this
    office (the roles domain.may_approve allows them; ix_registrations_office_status_created)."""
    if not (principal.is_admin or office_id in principal.offices):
        raise NotFound()
    roles = [role for role in domain.ROLES if domain.may_approve(principal, office_id, role)]
    pending, next_cursor = pager.page(
        uow.session,
        select(Registration).where(
            Registration.office_id == office_id,
            Registration.status == "awaiting_approval",
            Registration.role.in_(roles),
        ),
        [asc(Registration.created_at), asc(Registration.id)],
        limit,
        cursor,
        scope=f"registration-requests:{office_id}:{','.join(roles)}",
    )
    return {"items": [_request(uow, r) for r in pending], "next_cursor": next_cursor}


def _request(uow, registration):
    account = uow.session.get(Account, registration.account_id)
    return {
        "id": registration.id,
        "person_id": account.id,
        "name": account.name,
        "email": account.email,
        "role": registration.role,
        "device": {"name": registration.device_name, "platform": registration.platform},
        "created_at": registration.created_at.isoformat(),
    }


def decide(uow, principal, registration_id, approve, reason=None):
    registration = _get(uow, registration_id, lock=True)
    if not (principal.is_admin or registration.office_id in principal.offices):
        raise NotFound()
    if registration.status != "awaiting_approval":
        raise WrongState({"status": registration.status})
    # The role as it is now, not as it was when the person identified.
    registration.role = offices_of(uow.session, registration.account_id).get(registration.office_id)
    if registration.role is None:
        raise WrongState({"status": "cancelled"})
    if not domain.may_approve(principal, registration.office_id, registration.role):
        raise Forbidden()
    account = uow.session.get(Account, registration.account_id)
    registration.decided_by, registration.decided_at = principal.account_id, utcnow()
    if approve:
        registration.status, registration.challenge = "approved", domain.new_challenge()
        uow.emit(
            RegistrationApproved(
                registration_id=registration.id,
                account_id=account.id,
                office_id=registration.office_id,
                role=registration.role,
            ),
            actor=principal.account_id,
        )
    else:
        registration.status, registration.reject_reason = "rejected", reason
        uow.emit(
            RegistrationRejected(
                registration_id=registration.id,
                account_id=account.id,
                office_id=registration.office_id,
            ),
            actor=principal.account_id,
        )
    uow.send(
        "notify",
        SendNotification(
            template="registration_approved" if approve else "registration_rejected",
            language=account.language,
            to={"email": account.email},
            data={"name": account.name, "reason": reason or ""},
        ),
    )
    record(
        uow,
        principal.account_id,
        "registration_approved" if approve else "registration_rejected",
        "registration",
        registration.id,
        registration.office_id,
        person_id=account.id,
        role=registration.role,
    )


def complete(uow, clock, registration_id, signature, source_ip, user_agent):
    """Bind the device: the signature over the challenge proves the registering device
    holds the key. -> {device_id, token, ...}; InvalidSignature for a wrong signature."""
    registration = _get(uow, registration_id, lock=True)
    if registration.status != "approved" or registration.office_id not in offices_of(
        uow.session, registration.account_id
    ):
        raise WrongState({"status": registration.status})
    if not domain.signature_valid(registration.public_key, signature, registration.challenge):
        raise InvalidSignature()
    now = utcnow()
    device = Device(
        id=new_id(),
        account_id=registration.account_id,
        public_key=registration.public_key,
        name=registration.device_name,
        platform=registration.platform,
        os_version=registration.os_version,
        app_version=registration.app_version,
        created_at=now,
        last_used_at=now,
    )
    uow.session.add(device)
    registration.status, registration.challenge = "completed", None
    account = uow.session.get(Account, registration.account_id)
    uow.emit(DeviceBound(account_id=account.id, device_id=device.id), actor=account.id)
    record(uow, account.id, "device_bound", "device", device.id, registration.office_id)
    session = open_session(
        uow, clock, account, "device", source_ip, user_agent, device_id=device.id
    )
    return {"device_id": device.id, **session}


def _get(uow, registration_id, lock=False):
    """`lock`: hold the row until commit, so that concurrent steps on one registration
    (two approvals, two completes, parallel guesses) run one after the other."""
    registration = uow.session.get(Registration, registration_id, with_for_update=lock)
    if registration is None:
        raise NotFound()
    return registration
