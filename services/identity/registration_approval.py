"""The office's side of an app registration: the approvers' queue, and approving or
rejecting. Who approves which role is access.py's APPROVED_BY."""

from sqlalchemy import select

from services.common.db import utcnow
from services.common.errors import Forbidden
from services.common.paging import asc
from services.notify.events import SendNotification

from . import access, domain
from .events import RegistrationApproved, RegistrationRejected
from .exceptions import WrongState
from .models import Account, Registration
from .registration import find
from .staff import record


def requests_for(uow, pager, principal, office_id, limit=50, cursor=None):
    """A page of the approver's queue, oldest first: what the caller may approve at this
    office (the roles access.may_approve allows them; ix_registrations_office_status_created)."""
    access.require_sees_registrations(principal, office_id)
    roles = access.approvable_roles(principal, office_id)
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
    """Approve (the app may complete) or reject, and tell the person by e-mail.
    NotFound outside the caller's offices; Forbidden for a role they may not approve."""
    registration = find(uow, registration_id, lock=True)
    access.require_sees_registrations(principal, registration.office_id)
    if registration.status != "awaiting_approval":
        raise WrongState({"status": registration.status})
    # The role as it is now, not as it was when the person identified.
    registration.role = access.offices_of(uow.session, registration.account_id).get(
        registration.office_id
    )
    if registration.role is None:
        raise WrongState({"status": "cancelled"})
    if not access.may_approve(principal, registration.office_id, registration.role):
        raise Forbidden()
    account = uow.session.get(Account, registration.account_id)
    registration.decided_by, registration.decided_at = principal.account_id, utcnow()
    if approve:
        _approved(uow, principal, registration, account)
    else:
        _rejected(uow, principal, registration, account, reason)
    _tell_person(uow, account, approve, reason)
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


def _tell_person(uow, account, approve, reason):
    uow.send(
        "notify",
        SendNotification(
            template="registration_approved" if approve else "registration_rejected",
            language=account.language,
            to={"email": account.email},
            data={"name": account.name, "reason": reason or ""},
        ),
    )


def _approved(uow, principal, registration, account):
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


def _rejected(uow, principal, registration, account, reason):
    registration.status, registration.reject_reason = "rejected", reason
    uow.emit(
        RegistrationRejected(
            registration_id=registration.id, account_id=account.id, office_id=registration.office_id
        ),
        actor=principal.account_id,
    )
