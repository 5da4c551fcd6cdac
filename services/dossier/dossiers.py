"""Dossiers of a client. Whoever sees the client sees its dossiers (access.py)."""

import functools

from sqlalchemy import bindparam, or_, select, union_all

from services.common.db import new_id, utcnow
from services.common.errors import Forbidden
from services.common.paging import desc

from . import audit, document_facts, messages, questionnaires
from .access import dossiers_of_visible_clients, rule_values, visible_client, visible_dossier
from .clients import flush_or
from .events import DossierOpened
from .exceptions import DossierNumberTaken
from .models import Client, Dossier


def create_dossier(uow, principal, client_id, number, description, status="in_progress"):
    if principal.kind != "staff":
        raise Forbidden()
    client = visible_client(uow, principal, client_id)
    number = number.strip()
    if uow.session.scalar(
        select(Dossier.id).where(Dossier.office_id == client.office_id, Dossier.number == number)
    ):
        raise DossierNumberTaken()
    now = utcnow()
    dossier = Dossier(
        id=new_id(),
        office_id=client.office_id,
        client_id=client.id,
        number=number,
        description=description.strip(),
        status=status,
        created_by=principal.account_id,
        created_at=now,
        updated_at=now,
    )
    uow.session.add(dossier)
    flush_or(uow, DossierNumberTaken)
    uow.emit(
        DossierOpened(dossier_id=dossier.id, client_id=client.id, office_id=client.office_id),
        actor=principal.account_id,
    )
    audit.record(uow, principal, "dossier_opened", client.id, "dossier", dossier.id, dossier.id)
    return describe(dossier, client)


# What a select of visible dossiers shows: a list page, ids with their status.
SHAPES = {"page": (Dossier, Client), "status": (Dossier.id, Dossier.status)}


def _visible(uow, principal, shape, q=None, status="all"):
    """The dossiers `principal` may see (access.py's rule, in SQL): -> (a select of
    SHAPES[shape], the values of its bound parameters). The select is built once per
    shape and filter (`_visible_query`) and kept: it runs on every dossier list."""
    params = rule_values(uow, principal)
    if params is None:
        raise Forbidden()
    if status != "all":
        params["status"] = status
    if q:
        params["pattern"] = f"%{q.strip().lower()}%"
    return _visible_query(shape, principal.kind, status != "all", bool(q)), params


@functools.lru_cache(maxsize=64)
def _visible_query(shape, kind, by_status, by_text):
    """_visible's select for one shape and filter."""
    query = dossiers_of_visible_clients(kind, *SHAPES[shape])
    if by_status:
        query = query.where(Dossier.status == bindparam("status"))
    if by_text:
        query = query.where(
            or_(
                Dossier.number.ilike(bindparam("pattern")),
                Dossier.description.ilike(bindparam("pattern")),
            )
        )
    return query


def list_dossiers(uow, pager, principal, q=None, status="in_progress", limit=50, cursor=None):
    """A page, newest first (ix_dossiers_office_status_created); items carry what the
    caller has not read yet: `unread` {documents, correspondence, messages}."""
    query, params = _visible(uow, principal, "page", q, status)
    rows, next_cursor = pager.page(
        uow.session,
        query,
        [desc(Dossier.created_at), desc(Dossier.id)],
        limit,
        cursor,
        scope=f"dossiers:{status}:{q or ''}",
        params=params,
    )
    tabs = _tabs(uow, principal, [dossier.id for dossier, _c in rows])
    return {
        "items": [
            {**describe(dossier, client), "unread": _unread(tabs[dossier.id])}
            for dossier, client in rows
        ],
        "next_cursor": next_cursor,
    }


def _tabs(uow, principal, dossier_ids):
    """-> {dossier_id: {documents: {total, unread}, correspondence: {total, unread},
    delivered_by_me: {total}, messages: {total, unread}}} for the caller, who sees these
    dossiers: one query per 500 dossiers (a bounded IN list), documents' counts from the
    read model kept from documents' events (document_facts.py) and messages' together."""
    tabs = {
        d: {
            "documents": {"total": 0, "unread": 0},
            "correspondence": {"total": 0, "unread": 0},
            "delivered_by_me": {"total": 0},
            "messages": {"total": 0, "unread": 0},
        }
        for d in dossier_ids
    }
    statement = _tab_counts(public_only=principal.kind == "client")
    wanted = list(tabs)
    for start in range(0, len(wanted), 500):
        rows = uow.session.execute(
            statement,
            {
                "me": principal.account_id,
                "side": principal.kind,
                "dossier_ids": wanted[start : start + 500],
            },
        )
        for dossier_id, category, total, unread in rows:
            tab = tabs[dossier_id][_TAB[category]]
            tab["total"] = total
            if "unread" in tab:
                tab["unread"] = int(unread or 0)
    return tabs


@functools.lru_cache(maxsize=2)
def _tab_counts(public_only):
    """_tabs' statement, built once (a read on every dossier page: building and keying a
    statement each time cost more than running it); built on first use, as messages
    imports this module: rows (dossier_id, category, total, unread)."""
    return union_all(document_facts.counts_query(public_only), messages.counts_query())


_TAB = {**document_facts.TABS, "messages": "messages"}


def _unread(tabs):
    return {
        "documents": tabs["documents"]["unread"],
        "correspondence": tabs["correspondence"]["unread"],
        "messages": tabs["messages"]["unread"],
    }


def access(uow, principal, dossier_id):
    """What another service needs to act for `principal` on the dossier, when the
    principal may see it (admins may not: NotFound)."""
    dossier, _client = visible_dossier(uow, principal, dossier_id)
    return {
        "dossier_id": dossier.id,
        "office_id": dossier.office_id,
        "client_id": dossier.client_id,
        "number": dossier.number,
        "status": dossier.status,
        "as": "staff" if principal.kind == "staff" else "client",
    }


def get_dossier(uow, principal, dossier_id):
    """The dossier with its `tabs`: totals and what the caller has not read yet."""
    dossier, client = visible_dossier(uow, principal, dossier_id)
    audit.record_view(
        uow, principal, "dossier_viewed", client.id, "dossier", dossier.id, dossier.id
    )
    return {**describe(dossier, client), "tabs": _tabs(uow, principal, [dossier.id])[dossier.id]}


def dossier_audit(uow, pager, principal, dossier_id, limit=50, cursor=None):
    """Staff who see the dossier: who viewed, uploaded, reviewed, signed, looked along."""
    if principal.kind != "staff":
        raise Forbidden()
    dossier, _client = visible_dossier(uow, principal, dossier_id)
    return audit.for_dossier(uow, pager, dossier, limit, cursor)


def home(uow, principal):
    """A client's start page: their dossiers, and the work waiting for them."""
    if principal.kind != "client":
        raise Forbidden()
    mine = [status for _id, status in uow.session.execute(*_visible(uow, principal, "status"))]
    return {
        "dossiers": {"in_progress": mine.count("in_progress"), "total": len(mine)},
        "actions": questionnaires.count_open(uow, principal),
    }


def open_actions(uow, pager, principal, limit=50, cursor=None):
    """A page of the open work for the client that dossier owns: open questionnaires.
    (Document requests and signatures are their services' own; the gateway adds them.)"""
    if principal.kind != "client":
        raise Forbidden()
    return questionnaires.open_actions(uow, pager, principal, limit, cursor)


def update_dossier(uow, principal, dossier_id, changes):
    dossier, client = visible_dossier(uow, principal, dossier_id, lock=True)
    if principal.kind != "staff":
        raise Forbidden()
    for field in ("status", "description"):
        if field in changes:
            setattr(dossier, field, changes[field])
    dossier.updated_at = utcnow()
    audit.record(uow, principal, "dossier_updated", client.id, "dossier", dossier.id, dossier.id)
    return describe(dossier, client)


def describe(dossier, client):
    return {
        "id": dossier.id,
        "number": dossier.number,
        "description": dossier.description,
        "status": dossier.status,
        "client_id": client.id,
        "client_name": client.name,
        "office_id": dossier.office_id,
        "created_at": dossier.created_at.isoformat(),
        "updated_at": dossier.updated_at.isoformat(),
    }
