"""Linking a person who already works in Kluis to another office. A manager who
manages the person at an office where they already work (a firm with several offices)
links them at once; anyone else only asks: the person gets an e-mail with a link to
confirm, and until they do, the asking office learns nothing about them beyond what it
typed itself (its answer and its staff list read as for a brand-new person)."""

from datetime import timedelta

from sqlalchemy import select

from services.common.db import new_id, utcnow
from services.common.tokens import digest, new_token
from services.notify.events import SendNotification

from .exceptions import AlreadyMember
from .models import Account, StaffLink
from .passwords import check_single_use

LINK_VALIDITY = timedelta(days=7)


def ask(uow, principal, office_id, account, name, mobile, role, office, portal_url):
    """Record the request and mail the person the link. -> the office's view of it."""
    if pending(uow.session, office_id, account_id=account.id):
        raise AlreadyMember()
    token, token_hash = new_token()
    now = utcnow()
    link = StaffLink(
        id=new_id(),
        token_hash=token_hash,
        account_id=account.id,
        office_id=office_id,
        role=role,
        name=name.strip(),
        mobile=mobile,
        office_name=(office.get("name") or "")[:200],
        partner_id=(office.get("partner_id") or "")[:50],
        created_by=principal.account_id,
        created_at=now,
        expires_at=now + LINK_VALIDITY,
    )
    uow.session.add(link)
    _send_link(uow, account, link, token, portal_url)
    return as_person(link, account.email)


def _send_link(uow, account, link, token, portal_url):
    """The e-mail with the link to confirm: which office asks, for which role."""
    uow.send(
        "notify",
        SendNotification(
            template="staff_link_requested",
            language=account.language,
            to={"email": account.email},
            account_id=account.id,
            data={
                "name": account.name,
                "office": link.office_name,
                "partner_id": link.partner_id,
                "role": link.role,
                "days": LINK_VALIDITY.days,
                "confirm_url": f"{portal_url}/staff-link?token={token}",
            },
        ),
    )


def pending(session, office_id, link_id=None, account_id=None):
    """Open requests of the office (one by id or by person when given)."""
    query = select(StaffLink).where(*_open(office_id))
    if link_id is not None:
        query = query.where(StaffLink.id == link_id)
    if account_id is not None:
        query = query.where(StaffLink.account_id == account_id)
    return session.scalars(query.order_by(StaffLink.name, StaffLink.id)).all()


def _open(office_id):
    return (
        StaffLink.office_id == office_id,
        StaffLink.used_at.is_(None),
        StaffLink.expires_at > utcnow(),
    )


def as_person(link, email):
    """What the office sees: what it typed, shaped as a staff member who has not
    registered yet (the link's id stands in for the person's)."""
    return {
        "person_id": link.id,
        "name": link.name,
        "email": email,
        "mobile": link.mobile,
        "role": link.role,
        "registration": "not_registered",
    }


def rows(session, link_ids):
    """{link id: the staff list row} of the given requests."""
    if not link_ids:
        return {}
    found = session.execute(
        select(StaffLink, Account)
        .join(Account, Account.id == StaffLink.account_id)
        .where(StaffLink.id.in_(link_ids))
    ).all()
    return {link.id: as_person(link, account.email) for link, account in found}


def confirm(uow, token):
    """The person confirms with the e-mailed token. -> (link, account) for the caller to
    record the membership; InvalidToken, TokenExpired, TokenUsed."""
    link = uow.session.scalar(
        select(StaffLink).where(StaffLink.token_hash == digest(token)).with_for_update()
    )
    check_single_use(link)
    link.used_at = utcnow()
    return link, uow.session.get(Account, link.account_id)
