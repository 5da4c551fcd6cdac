"""Who sees what in dossier, written once. Every record dossier keeps about a client
(dossiers, tasks, products, mortgage applications, questionnaires, audit entries) is
seen by whoever sees its client record, and that is decided here:

- staff see a client that shares with (consents to) one of their offices, and only the
  company itself, never one of a company's extra accounts (`parent_id` set): an extra
  account is a login of the company, whose records are the company's; once the office
  ended the relationship (`retained_for` set: retention.py), only the office's owner;
- a client sees their own records, and the company records they are an extra account
  of (`own_client_ids`);
- a look-along session (a client principal with `scope_office_id`) sees the records
  of the looking office only, and only while the client shares with it;
- anyone else (the admin, a service) sees no client record through this rule.

RULE is the one definition: `can_see` (Python, for one row) and `client_clause` /
`client_rule` (SQL, for a query) are both built from it, so they cannot disagree."""

import functools
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, bindparam, false, or_, select

from services.common.context import Principal
from services.common.errors import NotFound

from .models import Client, Dossier

# Per kind of principal, the tests a visible client record passes, all of them:
# (test, column, name): "null" and "true" test the column alone; "in" tests it against
# the values named `name` (`rule_values`), "null_or_in" likewise unless it is null.
RULE: dict[str, tuple[tuple[str, Any, str | None], ...]] = {
    "staff": (
        ("null", Client.parent_id, None),
        ("true", Client.shared, None),
        ("in", Client.office_id, "offices"),
        ("null_or_in", Client.retained_for, "owned"),
    ),
    "client": (("in", Client.id, "own"),),
}


def rule_values(uow: Any, principal: Principal) -> dict[str, list[str]] | None:
    """The values RULE's "in" tests compare with, for `principal`; None when the rule
    shows them nothing (no kind of theirs in RULE)."""
    if principal.kind == "staff":
        owned = sorted(office for office, role in principal.offices.items() if role == "owner")
        return {"offices": sorted(principal.offices), "owned": owned}
    if principal.kind == "client":
        return {"own": sorted(own_client_ids(uow, principal))}
    return None


def own_client_ids(uow: Any, principal: Principal) -> set[str]:
    """A client's own records, and the company records they are an extra account of
    (one indexed query: ix_clients_account_id). A look-along session: the looking
    office's records only, while they share."""
    query = select(Client.id, Client.parent_id).where(Client.account_id == principal.account_id)
    if principal.scope_office_id:
        query = query.where(Client.office_id == principal.scope_office_id, Client.shared.is_(True))
    rows = uow.session.execute(query).all()
    return {row.id for row in rows} | {row.parent_id for row in rows if row.parent_id}


def can_see(uow: Any, principal: Principal, client: Client) -> bool:
    """RULE for one client record, in Python."""
    values = rule_values(uow, principal)
    return values is not None and all(
        _holds(test, getattr(client, column.key), values.get(name) if name else None)
        for test, column, name in RULE[principal.kind]
    )


def _holds(test: str, value: Any, values: list[str] | None) -> bool:
    if test == "null":
        return value is None
    if test == "true":
        return value is True
    if test == "null_or_in" and value is None:
        return True
    return values is not None and value in values


def client_clause(uow: Any, principal: Principal) -> ColumnElement[bool]:
    """RULE in SQL over `Client`, its values written in: for a query built per call."""
    values = rule_values(uow, principal)
    if values is None:
        return false()
    return and_(
        *(_condition(test, column, name, values) for test, column, name in RULE[principal.kind])
    )


@functools.lru_cache(maxsize=4)
def client_rule(kind: str) -> ColumnElement[bool]:
    """RULE in SQL over `Client` with bound parameters named as RULE names them (bind
    `rule_values`): for a statement built once and kept."""
    if kind not in RULE:
        return false()
    return and_(*(_condition(test, column, name, None) for test, column, name in RULE[kind]))


def _condition(
    test: str, column: Any, name: str | None, values: dict[str, list[str]] | None
) -> ColumnElement[bool]:
    """One test in SQL: against `values[name]`, or a bound parameter `name` when None."""
    if test == "null":
        return column.is_(None)
    if test == "true":
        return column.is_(True)
    if values is None:
        among = column.in_(bindparam(name, expanding=True))
    else:
        among = column.in_(values[name] if name else [])
    return or_(column.is_(None), among) if test == "null_or_in" else among


def visible_client(uow: Any, principal: Principal, client_id: str, lock: bool = False) -> Client:
    """The client, when the principal may see it; else NotFound."""
    client = uow.session.get(Client, client_id, with_for_update=lock)
    if client is None or not can_see(uow, principal, client):
        raise NotFound()
    return client


def visible_dossier(
    uow: Any, principal: Principal, dossier_id: str, lock: bool = False
) -> tuple[Dossier, Client]:
    """-> (dossier, client) when `principal` sees the dossier's client; else NotFound.
    One query, built once (every call about a dossier starts here); `lock` locks the
    dossier row for an update (FOR UPDATE on PostgreSQL)."""
    found = uow.session.execute(
        _DOSSIER_LOCKED if lock else _DOSSIER, {"dossier_id": dossier_id}
    ).first()
    if found is None or not can_see(uow, principal, found[1]):
        raise NotFound()
    return found[0], found[1]


_DOSSIER = (
    select(Dossier, Client)
    .join(Client, Client.id == Dossier.client_id)
    .where(Dossier.id == bindparam("dossier_id"))
)
_DOSSIER_LOCKED = _DOSSIER.with_for_update(of=Dossier)


def dossiers_of_visible_clients(kind: str, *columns: Any) -> Select:
    """A select of `columns` over the dossiers whose client RULE shows (bind
    `rule_values`). Staff's also name their offices on the dossier, for
    ix_dossiers_office_status_created."""
    query = select(*columns).join(Client, Client.id == Dossier.client_id).where(client_rule(kind))
    if kind == "staff":
        query = query.where(Dossier.office_id.in_(bindparam("offices", expanding=True)))
    return query


def visible_dossier_ids(uow: Any, principal: Principal) -> list[str]:
    """The ids of the dossiers `principal` sees: one query, by
    ix_dossiers_office_status_created (staff) or the client ids (a client)."""
    values = rule_values(uow, principal)
    if values is None:
        return []
    return list(uow.session.scalars(_VISIBLE_IDS[principal.kind], values))


# Built once per kind (the rule's values are bound on each call).
_VISIBLE_IDS = {kind: dossiers_of_visible_clients(kind, Dossier.id) for kind in RULE}
