"""Who sees what in signing. A signing request is seen by

- its signer (a client: `signer_account_id`), always: it was offered to them by name;
  a look-along session only the requests of the looking office;
- staff of the request's office;

and, for staff and a look-along session, only while the client shares with that office:
that is dossier's rule (services/dossier/access.py), asked over RPC with the caller's
own principal - one dossier (`check_dossier_access`) or the ids of all the dossiers the
caller sees (`visible_dossier_ids`, one indexed query in dossier). A signer outside
look-along is not asked about: their own requests stay theirs whatever the consent."""

from typing import Any

from sqlalchemy import ColumnElement

from services.common.context import Principal
from services.common.errors import Forbidden, NotFound

from .models import LOCK, SigningRequest


def consent_bound(principal: Principal) -> bool:
    """Staff, and a look-along session, see requests only while the client shares with
    their office: dossier says which dossiers that leaves."""
    return principal.kind == "staff" or bool(principal.scope_office_id)


def visible_dossier_ids(dossier: Any, principal: Principal) -> list[str] | None:
    """For a consent-bound caller, the dossiers they see (from dossier); else None."""
    if not consent_bound(principal):
        return None
    return dossier.visible_dossier_ids()


def check_consent(store: Any, dossier: Any, principal: Principal, request_id: str) -> None:
    """A consent-bound caller may see the request's dossier, else NotFound. The unit of
    work ends before dossier is asked: no transaction waits on an RPC."""
    if not consent_bound(principal):
        return
    with store.unit_of_work() as uow:
        dossier_id = visible_request(uow, principal, request_id).dossier_id
    dossier.check_dossier_access(dossier_id)


def sees_request(principal: Principal, item: SigningRequest) -> bool:
    """The signer (a look-along session: of the looking office), or staff of the office;
    consent is `check_consent`'s."""
    if principal.kind == "client":
        return item.signer_account_id == principal.account_id and principal.scope_office_id in (
            None,
            item.office_id,
        )
    return principal.kind == "staff" and item.office_id in principal.offices


def visible_request(
    uow: Any, principal: Principal, request_id: str, lock: bool = False
) -> SigningRequest:
    """The request, when `sees_request`; else NotFound."""
    item = uow.session.get(SigningRequest, request_id, with_for_update=LOCK if lock else None)
    if item is None or not sees_request(principal, item):
        raise NotFound()
    return item


def requests_clause(
    principal: Principal, dossier_ids: list[str] | None = None
) -> list[ColumnElement[bool]]:
    """`sees_request` in SQL, with consent: `dossier_ids` (visible_dossier_ids) for a
    consent-bound caller. By ix_signing_requests_signer_created (the signer) or
    ix_signing_requests_office_created (staff)."""
    if principal.kind == "client":
        conditions = [SigningRequest.signer_account_id == principal.account_id]
        if principal.scope_office_id:
            conditions.append(SigningRequest.office_id == principal.scope_office_id)
    elif principal.kind == "staff":
        conditions = [SigningRequest.office_id.in_(list(principal.offices))]
    else:
        raise Forbidden()
    if consent_bound(principal):
        conditions.append(SigningRequest.dossier_id.in_(list(dossier_ids or ())))
    return conditions
