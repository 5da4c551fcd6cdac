"""Clients of an office and their consent. Who sees which client is access.py's rule
(staff: while it shares with one of their offices); anyone else gets NotFound."""

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from services.common.contacts import mobile_or_none
from services.common.db import new_id, utcnow
from services.common.errors import Forbidden, NotFound
from services.common.paging import asc, name_order
from services.common.schemas import load
from services.common.sealed_columns import blind_email, read_opened

from . import audit, field_backfill
from .access import client_clause, visible_client
from .events import ClientCreated, ConsentChanged
from .exceptions import ClientExists, ContactLocked, InvalidMobile
from .models import Client, Office
from .schemas import Consent


def create_client(
    uow, principal, office_id, type, name, email, mobile=None, language="nl", shared=None
):
    """Admin or staff of the office. Consent defaults to yes when the office creates
    the client and to no when the admin (the lender) does."""
    _check_office(uow, principal, office_id)
    email = email.strip().lower()
    if email_in_use(uow, office_id, email):
        raise ClientExists()
    client = Client(
        id=new_id(),
        office_id=office_id,
        type=type,
        name=name.strip(),
        email=email,
        mobile=normalised_mobile(mobile),
        language=language,
        shared=(principal.kind == "staff") if shared is None else shared,
        invitation_status="not_invited",
        created_by=principal.account_id,
        created_at=utcnow(),
    )
    uow.session.add(client)
    flush_or(uow, ClientExists)
    uow.emit(ClientCreated(client_id=client.id, office_id=office_id), actor=principal.account_id)
    audit.record(uow, principal, "client_created", client.id, "client", client.id)
    return describe(client)


def _check_office(uow, principal, office_id):
    """The admin, or staff of the office, may add its clients; another office: NotFound."""
    if principal.kind == "staff" and office_id not in principal.offices:
        raise NotFound()
    if principal.kind not in ("staff", "admin"):
        raise Forbidden()
    if uow.session.get(Office, office_id) is None:
        raise NotFound()


def email_in_use(uow, office_id, email):
    """-> whether a client record of the office has this e-mail address (by its blind
    index: the address itself is sealed; a record from before sealing that the backfill
    has not reached yet has none, and is compared as it is)."""
    if uow.session.scalar(
        select(Client.id).where(
            Client.office_id == office_id,
            Client.email_index == blind_email(uow.session, email),
        )
    ):
        return True
    if not field_backfill.pending(uow.session):
        return False  # every record has its index (an erased one has none: nobody's)
    unsealed = select(Client).where(Client.office_id == office_id, Client.email_index.is_(None))
    return any(c.email.lower() == email for c in uow.session.scalars(unsealed))


def flush_or(uow, error):
    """Flush; a unique constraint hit by a concurrent request is `error`, not a 500."""
    try:
        uow.session.flush()
    except IntegrityError:
        raise error()


def normalised_mobile(mobile):
    return mobile_or_none(mobile, InvalidMobile)


def list_clients(uow, pager, principal, q=None, limit=50, cursor=None):
    """Staff: a page of the consenting clients of all the caller's offices, each with
    office_id, by name. Names and addresses are sealed (models.py): the caller's visible
    clients' names (and, for a search, addresses) are read and opened as columns, searched
    and sorted here, and only the page's records are loaded whole (a few thousand records
    an office at most: docs/performance.md)."""
    names = ("name", "email") if q else ("name",)
    found = read_opened(uow.session, Client, names, Client.id, client_clause(uow, principal))
    if q:
        needle = q.strip().lower()
        found = [
            (client_id, texts)
            for client_id, texts in found
            if needle in (texts["name"] or "").lower() or needle in (texts["email"] or "").lower()
        ]
    page, next_cursor = pager.page_in_memory(
        found,
        lambda item: (name_order(item[1]["name"]), item[1]["name"] or "", item[0]),
        limit,
        cursor,
        scope=f"clients:{q or ''}",
    )
    ids = [client_id for client_id, _texts in page]
    records = {c.id: c for c in uow.session.scalars(select(Client).where(Client.id.in_(ids)))}
    return {"items": [describe(records[i]) for i in ids], "next_cursor": next_cursor}


def by_name(client):
    """A list's order of clients: by name (without case or accents), the id breaking
    ties."""
    return (name_order(client.name), client.name, client.id)


def update_client(uow, principal, client_id, changes):
    """Staff with access. E-mail and mobile are locked once the invitation was accepted.
    -> (the client, the portal account whose sessions must end or None): a changed
    e-mail or mobile voids the open invitation (its link went to the old contact)."""
    client = visible_client(uow, principal, client_id, lock=True)
    if principal.kind != "staff":
        raise Forbidden()
    if ({"email", "mobile"} & set(changes)) and client.invitation_status == "accepted":
        raise ContactLocked()
    before = (client.email, client.mobile)
    if "email" in changes:
        email = changes["email"].strip().lower()
        if email != client.email and email_in_use(uow, client.office_id, email):
            raise ClientExists()
        client.email = email
    if "mobile" in changes:
        client.mobile = normalised_mobile(changes["mobile"])
    for field in ("name", "language"):
        if field in changes:
            setattr(client, field, changes[field])
    ending = None
    if (client.email, client.mobile) != before:
        from .invitations import void  # invitations builds on this module

        ending = void(client) or client.account_id
    audit.record(uow, principal, "client_updated", client.id, "client", client.id)
    return describe(client), ending


def consents(uow, pager, principal, limit=50, cursor=None):
    """A page of the client's consent per office, by the office's name: their own
    records (found by ix_clients_account_id; one per office they are a client of, so
    the sort is of a handful)."""
    query = (
        select(Client, Office)
        .join(Office, Office.id == Client.office_id)
        .where(Client.account_id == principal.account_id, Client.parent_id.is_(None))
    )
    if principal.scope_office_id:  # look-along: the looking office only
        query = query.where(Client.office_id == principal.scope_office_id)
    rows, next_cursor = pager.page(
        uow.session,
        query,
        [asc(Office.name), asc(Client.id)],
        limit,
        cursor,
        scope=f"consents:{principal.account_id}:{principal.scope_office_id or ''}",
    )
    return {
        "items": [
            {"office_id": office.id, "office_name": office.name, "shared": client.shared}
            for client, office in rows
        ],
        "next_cursor": next_cursor,
    }


def set_consent(uow, principal, office_id, shared):
    """The client's own choice; every staff member's view follows on the next request."""
    clients = uow.session.scalars(
        select(Client).where(
            Client.account_id == principal.account_id, Client.office_id == office_id
        )
    ).all()
    if not clients or any(c.parent_id for c in clients):
        raise NotFound()  # a company's consent is the main account's to give
    load(Consent(), {"shared": shared})
    clients += uow.session.scalars(
        select(Client).where(  # its extra accounts follow
            Client.parent_id.in_([c.id for c in clients])
        )
    ).all()
    for client in clients:
        client.shared = shared
        audit.record(
            uow,
            principal,
            "consent_given" if shared else "consent_withdrawn",
            client.id,
            "office",
            office_id,
        )
    uow.emit(
        ConsentChanged(account_id=principal.account_id, office_id=office_id, shared=shared),
        actor=principal.account_id,
    )
    return {"office_id": office_id, "shared": shared}


def describe(client):
    return {
        "id": client.id,
        "office_id": client.office_id,
        "type": client.type,
        "parent_id": client.parent_id,
        "name": client.name,
        "email": client.email,
        "mobile": client.mobile,
        "language": client.language,
        "shared": client.shared,
        "created_at": client.created_at.isoformat(),
    }
