"""An HDN document request (DA) becomes the dossier's checklist: each item
(DocumentKenmerk) one document request, made on its first DA and updated by later ones.

- The first DA ties the dossier to its application (AanvraagVolgNr, HdnApplication);
  a DA with another number, or a number another dossier of the office has, is refused.
- Idempotent: an item changes only when the lender's status (or its reason) differs
  from the one stored, so the same DA twice changes nothing, and a client's upload
  after a rejection is not undone by the same DA sent again.
- `deliver_by`: client, lender (hidden from the client, as every lender item), or
  source (OpgevraagdViaBronJN=J: fetched from a data source; the client sees it for
  information and is never asked for it).
- The client hears of new and changed items they see in one e-mail (event
  `requests_updated_by_lender`, dossier sends it)."""

from sqlalchemy import select

from services.common.db import new_id, utcnow
from services.common.errors import Forbidden

from .checklist import _documents_of, describe
from .events import RequestsUpdatedByLender
from .exceptions import HdnApplicationMismatch
from .library import actor_of
from .models import DocumentRequest, HdnApplication, locked
from .request_events import announce_created, client_may_see
from .states import RequestStates

# The lender's status -> the request's status (to_deliver keeps what the client did).
STATUS_OF = {
    "to_deliver": RequestStates.OPEN,
    "approved": RequestStates.APPROVED,
    "provisionally_approved": RequestStates.PROVISIONAL,
    "rejected": RequestStates.REJECTED,
    "lapsed": RequestStates.LAPSED,
}
STILL_TO_DO = (RequestStates.OPEN, RequestStates.UPLOADED, RequestStates.REJECTED)
LENDER_REJECTED = "Afgekeurd door de geldverstrekker / Rejected by the lender"


def import_da(uow, principal, access, message):
    """`message`: hdn_da.parse_da's answer, for the dossier of `access` (staff). ->
    {application_number, created, updated, unchanged, requests}."""
    if access["as"] != "staff":
        raise Forbidden()
    _tie(uow, access, message["application_number"])
    counts, requests, changes = {"created": 0, "updated": 0, "unchanged": 0}, [], []
    for entry in message["items"]:
        item, outcome = _apply(uow, principal, access, entry)
        counts[outcome] += 1
        requests.append(describe(item, _documents_of(uow, item, access)))
        if outcome != "unchanged" and client_may_see(item):
            changes.append(_change(item))
    if changes:
        _tell_client(uow, principal, access, changes)
    return {"application_number": message["application_number"], **counts, "requests": requests}


def _tie(uow, access, number):
    """The dossier's application: set by the first DA, the same in every later one."""
    tied = uow.session.get(HdnApplication, access["dossier_id"], with_for_update=True)
    if tied is not None:
        if tied.application_number != number:
            raise HdnApplicationMismatch({"element": "AanvraagVolgNr"})
        return
    taken = uow.session.scalar(
        select(HdnApplication.dossier_id).where(
            HdnApplication.office_id == access["office_id"],
            HdnApplication.application_number == number,
        )
    )
    if taken is not None:
        raise HdnApplicationMismatch({"element": "AanvraagVolgNr"})
    uow.session.add(
        HdnApplication(
            dossier_id=access["dossier_id"],
            office_id=access["office_id"],
            application_number=number,
            created_at=utcnow(),
        )
    )
    uow.session.flush()


def _apply(uow, principal, access, entry):
    """-> (the request, "created" | "updated" | "unchanged")."""
    item = uow.session.scalar(
        select(DocumentRequest)
        .where(
            DocumentRequest.dossier_id == access["dossier_id"],
            DocumentRequest.hdn_key == entry["key"],
        )
        .with_for_update(**locked(DocumentRequest))
    )
    if item is None:
        return _create(uow, principal, access, entry), "created"
    reason = _reason_of(entry)
    if item.lender_status == entry["lender_status"] and (
        entry["lender_status"] != "rejected" or item.reason == reason
    ):
        return item, "unchanged"
    item.lender_status = entry["lender_status"]
    item.status = _next_status(item.status, entry["lender_status"])
    if reason or item.status not in STILL_TO_DO:  # a decided item keeps no old reason
        item.reason = reason
    item.updated_at = utcnow()
    return item, "updated"


def _next_status(current, lender_status):
    if lender_status == "to_deliver" and current in STILL_TO_DO:
        return current
    return STATUS_OF[lender_status]


def _reason_of(entry):
    if entry["lender_status"] != "rejected":
        return None
    return entry["reason"] or LENDER_REJECTED


def _create(uow, principal, access, entry):
    now = utcnow()
    item = DocumentRequest(
        id=new_id(),
        dossier_id=access["dossier_id"],
        office_id=access["office_id"],
        client_id=access["client_id"],
        title=entry["name"][:200],
        description=entry["description"],
        deliver_by="source" if entry["from_source"] else entry["deliver_by"],
        status=STATUS_OF[entry["lender_status"]],
        reason=_reason_of(entry),
        document_type=entry["document_type"],
        hdn_key=entry["key"],
        hdn_code=entry["code"],
        lender_status=entry["lender_status"],
        created_by=principal.account_id,
        created_at=now,
        updated_at=now,
    )
    uow.session.add(item)
    announce_created(uow, item, actor_of(principal), principal.account_id)
    return item


def _change(item):
    return {
        "request_id": item.id,
        "title": item.title,
        "lender_status": item.lender_status,
        "status": item.status,
        "informational": item.deliver_by == "source",
    }


def _tell_client(uow, principal, access, changes):
    uow.emit(
        RequestsUpdatedByLender(
            request_ids=[c["request_id"] for c in changes],
            dossier_id=access["dossier_id"],
            office_id=access["office_id"],
            client_id=access["client_id"],
            changes=changes,
            **actor_of(principal),
        ),
        actor=principal.account_id,
    )
