"""An office's staff as the office sees them: its members by name, then the people it
asked to link who have not confirmed yet (staff_links), each with how far their app
registration is."""

from sqlalchemy import select

from services.common.paging import name_order

from . import access, staff_links
from .models import Account, Device, Membership, Registration

PENDING = ("code_sent", "awaiting_approval", "approved")  # registrations under way


def list_staff(uow, pager, principal, office_id, limit=50, cursor=None):
    """A page of the office's staff: its members by name, then the people it asked to
    link and who have not confirmed yet (staff_links), by the name the office typed.
    Ordered (part, name, id) here, not in SQL: members' names are sealed (models.Account).
    One office's people are read whole (its members with their field keys in one query,
    its open requests in another), the page cut from them (Pager.page_in_memory)."""
    access.require_sees_staff(principal, office_id)
    members = _members(uow, office_id)
    people = [(0, account.name, account.id, role, account) for account, role in members]
    asked = staff_links.pending(uow.session, office_id)
    people += [(1, link.name, link.id, link.role, link) for link in asked]
    rows, next_cursor = pager.page_in_memory(
        people, lambda p: (p[0], name_order(p[1]), p[1], p[2]), limit, cursor, f"staff:{office_id}"
    )
    return {"items": _items(uow, office_id, rows), "next_cursor": next_cursor}


def _members(uow, office_id):
    """The office's members as (account, role)."""
    return uow.session.execute(
        select(Account, Membership.role)
        .join(Membership, Membership.account_id == Account.id)
        .where(Membership.office_id == office_id)
    ).all()


def _items(uow, office_id, rows):
    """The page's rows (part, name, id, role, account or link) as people: members from
    their accounts, the people asked from what the office typed. Two queries for the
    whole page's registrations, not two a person."""
    links = staff_links.rows(uow.session, [i for part, _name, i, _role, _o in rows if part == 1])
    members = [i for part, _name, i, _role, _o in rows if part == 0]
    states = registration_states(uow.session, members, office_id)
    return [
        as_person(found, role, states[i]) if part == 0 else links[i]
        for part, _name, i, role, found in rows
    ]


def person(session, account, office_id, role):
    """A member as the office sees them."""
    state = registration_states(session, [account.id], office_id)[account.id]
    return as_person(account, role, state)


def as_person(account, role, registration):
    return {
        "person_id": account.id,
        "name": account.name,
        "email": account.email,
        "mobile": account.mobile,
        "role": role,
        "registration": registration,
    }


def registration_states(session, account_ids, office_id):
    """{account id: "registered" (a device bound), "pending" (a registration at the
    office under way) or "not_registered"}."""
    if not account_ids:
        return {}
    registered = set(
        session.scalars(
            select(Device.account_id).where(
                Device.account_id.in_(account_ids), Device.revoked_at.is_(None)
            )
        )
    )
    pending = set(
        session.scalars(
            select(Registration.account_id).where(
                Registration.account_id.in_(account_ids),
                Registration.office_id == office_id,
                Registration.status.in_(PENDING),
            )
        )
    )
    return {
        i: "registered" if i in registered else "pending" if i in pending else "not_registered"
        for i in account_ids
    }
