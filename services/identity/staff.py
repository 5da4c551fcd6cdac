"""Office memberships: adding staff (or asking a person who works elsewhere), their
roles, removing them, and the audit of who changed what. Plain functions over a unit of
work; the caller's principal is passed in and checked with access.py's rules, here, by
the owner of the memberships. The staff list is staff_list.py's."""

import json

from sqlalchemy import func, select

from services.common.contacts import is_role_address, mobile_or_none
from services.common.db import new_id, utcnow
from services.common.errors import Forbidden, NotFound
from services.common.paging import desc
from services.notify.events import SendNotification

from . import access, domain, lookup, staff_links, staff_list
from .events import AccountCreated, MembershipChanged
from .exceptions import AlreadyMember, EmailInUse, InvalidMobile, LastOwner, RoleAddressNotAllowed
from .models import Account, AuditEntry, Membership, Registration


def record(uow, actor_id, action, object_type, object_id, office_id=None, **detail):
    uow.session.add(
        AuditEntry(
            id=new_id(),
            at=utcnow(),
            actor_id=actor_id,
            action=action,
            office_id=office_id,
            object_type=object_type,
            object_id=object_id,
            detail=json.dumps(detail, sort_keys=True),
        )
    )


def check_contact(email, mobile):
    """-> the mobile in E.164 (or None); raises for a shared mailbox or a bad number."""
    if is_role_address(email):
        raise RoleAddressNotAllowed({"email": ["role_address_not_allowed"]})
    return mobile_or_none(mobile, InvalidMobile)


def add_staff(uow, principal, office_id, name, email, mobile, role, office=None, portal_url=""):
    """Record a person as staff of the office, linking an existing staff account with
    the same e-mail instead of creating a second one. An existing account's contact
    details are never changed here: another office must not redirect its codes. A person
    who works elsewhere is linked at once only by the admin or by someone who manages
    them there; otherwise they are asked by e-mail (staff_links). The person is told by
    e-mail: the office, its partner ID, how to register the app."""
    access.require_sees_staff(principal, office_id)
    if not access.may_manage(principal, office_id, role):
        raise Forbidden()
    mobile = check_contact(email, mobile)
    email = domain.normalise_email(email)
    office = office or {}
    account = lookup.by_email(uow.session, email)
    if account is None:
        account = _new_staff_account(uow, principal, email, name, mobile)
    else:
        _check_may_join(uow, account, office_id)
        if not access.may_link_at_once(uow.session, principal, account.id):
            return _ask(uow, principal, office_id, account, name, mobile, role, office, portal_url)
    link(uow, principal.account_id, office_id, account, role, office, portal_url)
    return staff_list.person(uow.session, account, office_id, role)


def _new_staff_account(uow, principal, email, name, mobile):
    account = Account(
        id=new_id(),
        kind="staff",
        email=email,
        name=name.strip(),
        mobile=mobile,
        language="nl",
        failed_logins=0,
        created_at=utcnow(),
    )
    uow.session.add(account)
    uow.session.flush()
    uow.emit(AccountCreated(account_id=account.id, kind="staff"), actor=principal.account_id)
    return account


def _check_may_join(uow, account, office_id):
    """An existing account joins as staff: EmailInUse for a client's or the admin's,
    AlreadyMember when it works at the office already."""
    if account.kind != "staff":
        raise EmailInUse({"email": ["email_in_use"]})
    if uow.session.scalar(
        select(Membership.id).where(
            Membership.account_id == account.id, Membership.office_id == office_id
        )
    ):
        raise AlreadyMember()


def _ask(uow, principal, office_id, account, name, mobile, role, office, portal_url):
    """The person works elsewhere: asked by e-mail (staff_links). -> the office's view."""
    asked = staff_links.ask(
        uow, principal, office_id, account, name, mobile, role, office, portal_url
    )
    record(
        uow,
        principal.account_id,
        "staff_link_requested",
        "staff_link",
        asked["person_id"],
        office_id,
        role=role,
    )
    return asked


def link(uow, actor_id, office_id, account, role, office, portal_url):
    """The membership itself, its event and audit, and the e-mail to the person."""
    uow.session.add(
        Membership(
            id=new_id(),
            account_id=account.id,
            office_id=office_id,
            role=role,
            created_by=actor_id,
            created_at=utcnow(),
        )
    )
    if account.active_office_id is None:
        account.active_office_id = office_id
    _changed(uow, actor_id, office_id, account.id, "added", role)
    _tell_added(uow, account, office, role, portal_url)
    uow.session.flush()


def _tell_added(uow, account, office, role, portal_url):
    """The e-mail to the person: the office, its partner ID, how to register the app."""
    uow.send(
        "notify",
        SendNotification(
            template="staff_added",
            language=account.language,
            to={"email": account.email},
            account_id=account.id,
            data={
                "name": account.name,
                "office": office.get("name") or "",
                "partner_id": office.get("partner_id") or "",
                "role": role,
                "app_url": f"{portal_url}/app",
            },
        ),
    )


def confirm_link(uow, token, portal_url):
    """The person confirms an office's request (the token from its e-mail): they are
    linked, and told so as anyone added. -> {office: {name, partner_id}, role}."""
    request, account = staff_links.confirm(uow, token)
    office = {"name": request.office_name, "partner_id": request.partner_id}
    if request.office_id not in access.offices_of(uow.session, account.id):
        link(uow, request.created_by, request.office_id, account, request.role, office, portal_url)
    return {"office": office, "role": request.role}


def change_role(uow, principal, office_id, person_id, role):
    asked = _asked(uow, principal, office_id, person_id)
    if asked is not None:  # not confirmed yet: the request changes
        if not access.may_manage(principal, office_id, asked.role, role):
            raise Forbidden()
        asked.role = role
        return staff_links.as_person(asked, uow.session.get(Account, asked.account_id).email)
    membership = _membership(uow, principal, office_id, person_id)
    if not access.may_manage(principal, office_id, membership.role, role):
        raise Forbidden()
    if membership.role == "owner" and role != "owner":
        _keep_an_owner(uow, office_id)
    membership.role = role
    _changed(uow, principal.account_id, office_id, person_id, "role_changed", role)
    return staff_list.person(uow.session, uow.session.get(Account, person_id), office_id, role)


def remove_staff(uow, principal, office_id, person_id):
    """Unlink a person from the office: their access to it ends with this commit (an
    unconfirmed request is withdrawn)."""
    asked = _asked(uow, principal, office_id, person_id)
    if asked is not None:
        if not access.may_manage(principal, office_id, asked.role):
            raise Forbidden()
        uow.session.delete(asked)
        return
    membership = _membership(uow, principal, office_id, person_id)
    if not access.may_manage(principal, office_id, membership.role):
        raise Forbidden()
    if membership.role == "owner":
        _keep_an_owner(uow, office_id)
    uow.session.delete(membership)
    for registration in uow.session.scalars(
        select(Registration).where(
            Registration.account_id == person_id,
            Registration.office_id == office_id,
            Registration.status.in_(staff_list.PENDING),
        )
    ):
        registration.status = "cancelled"
    account = uow.session.get(Account, person_id)
    if account.active_office_id == office_id:
        uow.session.flush()
        account.active_office_id = next(iter(access.offices_of(uow.session, person_id)), None)
    _changed(uow, principal.account_id, office_id, person_id, "removed", None)


def _asked(uow, principal, office_id, person_id):
    """An open request of this office behind `person_id`, or None."""
    access.require_sees_staff(principal, office_id)
    found = staff_links.pending(uow.session, office_id, link_id=person_id)
    return found[0] if found else None


def _membership(uow, principal, office_id, person_id):
    access.require_sees_staff(principal, office_id)
    membership = uow.session.scalar(
        select(Membership).where(
            Membership.office_id == office_id, Membership.account_id == person_id
        )
    )
    if membership is None:
        raise NotFound()
    return membership


def _keep_an_owner(uow, office_id):
    owners = uow.session.scalar(
        select(func.count())
        .select_from(Membership)
        .where(Membership.office_id == office_id, Membership.role == "owner")
    )
    if owners <= 1:
        raise LastOwner()


def _changed(uow, actor_id, office_id, account_id, change, role):
    uow.emit(
        MembershipChanged(account_id=account_id, office_id=office_id, change=change, role=role),
        actor=actor_id,
    )
    record(uow, actor_id, f"staff_{change}", "account", account_id, office_id, role=role)


def office_audit(uow, pager, principal, office_id, limit=50, cursor=None):
    """A page of the office's trail, newest first (ix_audit_entries_office_at)."""
    access.require_sees_staff(principal, office_id)
    entries, next_cursor = pager.page(
        uow.session,
        select(AuditEntry).where(AuditEntry.office_id == office_id),
        [desc(AuditEntry.at), desc(AuditEntry.id)],
        limit,
        cursor,
        scope=f"office-audit:{office_id}",
    )
    return {
        "items": [
            {
                "at": e.at.isoformat(),
                "actor": e.actor_id,
                "action": e.action,
                "object": {"type": e.object_type, "id": e.object_id},
                "detail": json.loads(e.detail),
            }
            for e in entries
        ],
        "next_cursor": next_cursor,
    }
