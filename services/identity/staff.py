"""Office memberships: staff with roles, the profile's offices, the active office, and
the audit of who changed what. Plain functions over a unit of work; the caller's
principal is passed in and checked here, by the owner of the memberships."""

import json

from sqlalchemy import bindparam, func, literal, select, union_all

from services.common.contacts import is_role_address, mobile_or_none
from services.common.db import new_id, utcnow
from services.common.errors import Forbidden, NotFound
from services.common.paging import asc, desc
from services.notify.events import SendNotification

from . import domain, staff_links
from .events import AccountCreated, MembershipChanged
from .exceptions import AlreadyMember, EmailInUse, InvalidMobile, LastOwner, RoleAddressNotAllowed
from .models import Account, AuditEntry, Device, Membership, Registration, Session

PENDING = ("code_sent", "awaiting_approval", "approved")


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


def offices_of(session, account_id):
    """{office_id: role} of an account, read fresh: a change counts on the next request."""
    return dict(session.execute(_OFFICES_OF, {"account_id": account_id}).all())


_OFFICES_OF = select(Membership.office_id, Membership.role).where(
    Membership.account_id == bindparam("account_id")
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
    _require_sees(principal, office_id)
    if not domain.may_manage(principal, office_id, role):
        raise Forbidden()
    mobile = check_contact(email, mobile)
    email = domain.normalise_email(email)
    office = office or {}
    account = uow.session.scalar(select(Account).where(Account.email == email))
    if account is None:
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
    elif account.kind != "staff":
        raise EmailInUse({"email": ["email_in_use"]})
    elif uow.session.scalar(
        select(Membership.id).where(
            Membership.account_id == account.id, Membership.office_id == office_id
        )
    ):
        raise AlreadyMember()
    elif not staff_links.may_link_at_once(uow.session, principal, account.id):
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
    link(uow, principal.account_id, office_id, account, role, office, portal_url)
    return _person(uow.session, account, office_id, role)


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
    uow.session.flush()


def confirm_link(uow, token, portal_url):
    """The person confirms an office's request (the token from its e-mail): they are
    linked, and told so as anyone added. -> {office: {name, partner_id}, role}."""
    request, account = staff_links.confirm(uow, token)
    office = {"name": request.office_name, "partner_id": request.partner_id}
    if request.office_id not in offices_of(uow.session, account.id):
        link(uow, request.created_by, request.office_id, account, request.role, office, portal_url)
    return {"office": office, "role": request.role}


def list_staff(uow, pager, principal, office_id, limit=50, cursor=None):
    """A page of the office's staff: its members by name, then the people it asked to
    link and who have not confirmed yet (staff_links), by the name the office typed.
    Both are read as one union ordered (part, name, id); the sort covers one office's
    people, found by the office_id indexes of memberships and staff_links."""
    _require_sees(principal, office_id)
    members = (
        select(
            literal(0).label("part"),
            Account.name.label("name"),
            Account.id.label("id"),
            Membership.role.label("role"),
        )
        .join(Membership, Membership.account_id == Account.id)
        .where(Membership.office_id == office_id)
    )
    people = union_all(members, staff_links.asked(office_id)).subquery()
    rows, next_cursor = pager.page(
        uow.session,
        select(people.c.part, people.c.id, people.c.role),
        [asc(people.c.part), asc(people.c.name), asc(people.c.id)],
        limit,
        cursor,
        scope=f"staff:{office_id}",
    )
    accounts = {
        a.id: a
        for a in uow.session.scalars(
            select(Account).where(Account.id.in_([i for part, i, _role in rows if part == 0]))
        )
    }
    links = staff_links.rows(uow.session, [i for part, i, _role in rows if part == 1])
    return {
        "items": [
            _person(uow.session, accounts[i], office_id, role) if part == 0 else links[i]
            for part, i, role in rows
        ],
        "next_cursor": next_cursor,
    }


def change_role(uow, principal, office_id, person_id, role):
    asked = _asked(uow, principal, office_id, person_id)
    if asked is not None:  # not confirmed yet: the request changes
        if not domain.may_manage(principal, office_id, asked.role, role):
            raise Forbidden()
        asked.role = role
        return staff_links.as_person(asked, uow.session.get(Account, asked.account_id).email)
    membership = _membership(uow, principal, office_id, person_id)
    if not domain.may_manage(principal, office_id, membership.role, role):
        raise Forbidden()
    if membership.role == "owner" and role != "owner":
        _keep_an_owner(uow, office_id)
    membership.role = role
    _changed(uow, principal.account_id, office_id, person_id, "role_changed", role)
    return _person(uow.session, uow.session.get(Account, person_id), office_id, role)


def remove_staff(uow, principal, office_id, person_id):
    """Unlink a person from the office: their access to it ends with this commit (an
    unconfirmed request is withdrawn)."""
    asked = _asked(uow, principal, office_id, person_id)
    if asked is not None:
        if not domain.may_manage(principal, office_id, asked.role):
            raise Forbidden()
        uow.session.delete(asked)
        return
    membership = _membership(uow, principal, office_id, person_id)
    if not domain.may_manage(principal, office_id, membership.role):
        raise Forbidden()
    if membership.role == "owner":
        _keep_an_owner(uow, office_id)
    uow.session.delete(membership)
    for registration in uow.session.scalars(
        select(Registration).where(
            Registration.account_id == person_id,
            Registration.office_id == office_id,
            Registration.status.in_(PENDING),
        )
    ):
        registration.status = "cancelled"
    account = uow.session.get(Account, person_id)
    if account.active_office_id == office_id:
        uow.session.flush()
        account.active_office_id = next(iter(offices_of(uow.session, person_id)), None)
    _changed(uow, principal.account_id, office_id, person_id, "removed", None)


def _asked(uow, principal, office_id, person_id):
    """An open request of this office behind `person_id`, or None."""
    _require_sees(principal, office_id)
    found = staff_links.pending(uow.session, office_id, link_id=person_id)
    return found[0] if found else None


def _membership(uow, principal, office_id, person_id):
    _require_sees(principal, office_id)
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


def _require_sees(principal, office_id):
    if not domain.sees_staff_of(principal, office_id):
        raise NotFound()


def _changed(uow, actor_id, office_id, account_id, change, role):
    uow.emit(
        MembershipChanged(account_id=account_id, office_id=office_id, change=change, role=role),
        actor=actor_id,
    )
    record(uow, actor_id, f"staff_{change}", "account", account_id, office_id, role=role)


def _person(session, account, office_id, role):
    return {
        "person_id": account.id,
        "name": account.name,
        "email": account.email,
        "mobile": account.mobile,
        "role": role,
        "registration": registration_state(session, account.id, office_id),
    }


def registration_state(session, account_id, office_id):
    if session.scalar(
        select(Device.id)
        .where(Device.account_id == account_id, Device.revoked_at.is_(None))
        .limit(1)
    ):
        return "registered"
    if session.scalar(
        select(Registration.id)
        .where(
            Registration.account_id == account_id,
            Registration.office_id == office_id,
            Registration.status.in_(PENDING),
        )
        .limit(1)
    ):
        return "pending"
    return "not_registered"


def profile(uow, account_id):
    """GET /me on every portal load: columns, not ORM objects, from two statements built
    once (building them cost more than running them); `first_login` looks for a second
    session, not at a count of them all."""
    account = uow.session.execute(_PROFILE, {"account_id": account_id}).one()
    offices = offices_of(uow.session, account_id)
    return {
        "id": account.id,
        "kind": account.kind,
        "name": account.name,
        "email": account.email,
        "mobile": account.mobile,
        "language": account.language,
        "first_login": not account.seen_before,
        "second_factor": account.second_factor,
        "offices": [{"id": office_id, "role": role} for office_id, role in offices.items()],
        "active_office_id": account.active_office_id
        if account.active_office_id in offices
        else None,
    }


_PROFILE = select(
    Account.id,
    Account.kind,
    Account.name,
    Account.email,
    Account.mobile,
    Account.language,
    Account.second_factor,
    Account.active_office_id,
    # a second session exists: not the first login (read up to two rows)
    select(Session.id)
    .where(Session.account_id == Account.id)
    .limit(1)
    .offset(1)
    .exists()
    .label("seen_before"),
).where(Account.id == bindparam("account_id"))


def set_active_office(uow, principal, office_id):
    if office_id not in offices_of(uow.session, principal.account_id):
        raise NotFound()
    uow.session.get(Account, principal.account_id).active_office_id = office_id


def office_audit(uow, pager, principal, office_id, limit=50, cursor=None):
    """A page of the office's trail, newest first (ix_audit_entries_office_at)."""
    _require_sees(principal, office_id)
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
