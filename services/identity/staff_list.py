"""An office's staff as the office sees them: its members by name, then the people it
asked to link who have not confirmed yet (staff_links), each with how far their app
registration is."""

from sqlalchemy import literal, select, union_all

from services.common.paging import asc

from . import access, staff_links
from .models import Account, Device, Membership, Registration

PENDING = ("code_sent", "awaiting_approval", "approved")  # registrations under way


def list_staff(uow, pager, principal, office_id, limit=50, cursor=None):
    """A page of the office's staff: its members by name, then the people it asked to
    link and who have not confirmed yet (staff_links), by the name the office typed.
    Both are read as one union ordered (part, name, id); the sort covers one office's
    people, found by the office_id indexes of memberships and staff_links."""
    access.require_sees_staff(principal, office_id)
    people = union_all(_members(office_id), staff_links.asked(office_id)).subquery()
    rows, next_cursor = pager.page(
        uow.session,
        select(people.c.part, people.c.id, people.c.role),
        [asc(people.c.part), asc(people.c.name), asc(people.c.id)],
        limit,
        cursor,
        scope=f"staff:{office_id}",
    )
    return {"items": _items(uow.session, office_id, rows), "next_cursor": next_cursor}


def _members(office_id):
    """The office's members as (part 0, name, id, role): the staff list's first part."""
    return (
        select(
            literal(0).label("part"),
            Account.name.label("name"),
            Account.id.label("id"),
            Membership.role.label("role"),
        )
        .join(Membership, Membership.account_id == Account.id)
        .where(Membership.office_id == office_id)
    )


def _items(session, office_id, rows):
    """The page's rows (part, id, role) as people: members from their accounts, the
    people asked from what the office typed."""
    member_ids = [i for part, i, _role in rows if part == 0]
    accounts = {a.id: a for a in session.scalars(select(Account).where(Account.id.in_(member_ids)))}
    links = staff_links.rows(session, [i for part, i, _role in rows if part == 1])
    return [
        person(session, accounts[i], office_id, role) if part == 0 else links[i]
        for part, i, role in rows
    ]


def person(session, account, office_id, role):
    """A member as the office sees them."""
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
