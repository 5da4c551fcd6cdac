"""Document requests: the checklist of what a dossier still needs.

`deliver_by` client (the client uploads; they see the item) or lender (the lender's
admin delivers; the client never sees the item nor what was delivered for it).
status: open -> uploaded -> approved | rejected; after a rejection the client uploads
again. Only staff review; each upload makes a review task for the office (dossier
opens it on `document_uploaded`)."""

from sqlalchemy import and_, func, select

from services.common.db import new_id, utcnow
from services.common.errors import Forbidden, NotFound
from services.common.paging import asc
from services.common.schemas import load

from .access import documents_clause, requests_clause
from .exceptions import RequestClosed
from .library import actor_of, add_document
from .models import Document, DocumentRequest, locked
from .request_events import announce_created, announce_reviewed
from .schemas import NewRequest, RequestFilter, Review
from .states import RequestStates
from .uploads import begin_upload
from .validity import valid_until

DECIDED = {"approve": RequestStates.APPROVED, "reject": RequestStates.REJECTED}


def create_request(
    uow, principal, access, title, deliver_by, description=None, due_date=None, document_type=None
):
    """Staff of the dossier. `document_type`: one of validity.py's table (what is
    delivered goes stale). -> the request (status open). Event `request_created`."""
    if access["as"] != "staff":
        raise Forbidden()
    given = dict(title=title, deliver_by=deliver_by, description=description, due_date=due_date)
    given["document_type"] = document_type
    checked = load(NewRequest(), given)  # ValidationFailed naming each bad field
    now = utcnow()
    item = DocumentRequest(
        id=new_id(),
        dossier_id=access["dossier_id"],
        office_id=access["office_id"],
        client_id=access["client_id"],
        **checked,
        status=RequestStates.OPEN,
        created_by=principal.account_id,
        created_at=now,
        updated_at=now,
    )
    uow.session.add(item)
    announce_created(uow, item, actor_of(principal), principal.account_id)
    return describe(item, [])


def find_request(uow, request_id, lock=False):
    item = uow.session.get(
        DocumentRequest, request_id, with_for_update=locked(DocumentRequest) if lock else None
    )
    if item is None:
        raise NotFound()
    return item


def check_uploader(principal, item, access):
    """Client items: the client or the office's staff (`access` from dossier). Lender
    items: only the admin; the client must not learn they exist. Items fetched from a
    data source (HDN, `source`) are for information: nobody uploads for them."""
    if item.deliver_by == "source":
        mine = access is not None and access["dossier_id"] == item.dossier_id
        raise RequestClosed() if mine else NotFound()
    if item.deliver_by == "lender":
        if principal.kind != "admin":
            raise Forbidden() if access and access["as"] == "staff" else NotFound()
    elif access is None or access["dossier_id"] != item.dossier_id:
        raise NotFound()
    RequestStates.check(item.status, RequestStates.UPLOADED)  # RequestClosed


def begin_delivery(uow, principal, item, access):
    """An upload for the request `item` (check_uploader). -> {upload_id, ticket}."""
    check_uploader(principal, item, access)
    place = {
        "dossier_id": item.dossier_id,
        "office_id": item.office_id,
        "client_id": item.client_id,
    }
    return begin_upload(uow, principal, place, request_id=item.id)


def deliver(uow, principal, upload, file_name):
    """An upload for a request becomes a document: under `delivered_by_me` (visible to
    the client) for client items, a hidden `document` for lender items. The request is
    `uploaded` again."""
    item = find_request(uow, upload.request_id, lock=True)
    RequestStates.check(item.status, RequestStates.UPLOADED)  # RequestClosed
    from_client = item.deliver_by == "client"
    document = add_document(
        uow,
        principal,
        upload,
        file_name,
        "delivered_by_me" if from_client else "document",
        public=from_client,
        title=item.title,
    )
    RequestStates.move(item, RequestStates.UPLOADED)
    item.updated_at = item.delivered_at = utcnow()  # what validity.py counts from
    return document


def list_requests(uow, pager, access, status=None, limit=50, cursor=None):
    """A page of the dossier's checklist, oldest first (ix_document_requests_dossier_created)."""
    status = load(RequestFilter(), {"status": status})["status"]
    scope = f"requests:{access['dossier_id']}:{access['as']}:{status or ''}"
    return _page(uow, pager, requests_clause(access), status, limit, cursor, scope, access)


def _page(uow, pager, where, status, limit, cursor, scope, access=None):
    """A page of the requests `where` holds (of one `status`, when given), oldest first,
    each with the documents delivered for it that `access` sees."""
    query = select(DocumentRequest).where(where)
    if status:
        query = query.where(DocumentRequest.status == status)
    order = [asc(DocumentRequest.created_at), asc(DocumentRequest.id)]
    items, next_cursor = pager.page(uow.session, query, order, limit, cursor, scope=scope)
    return {
        "items": [describe(i, _documents_of(uow, i, access)) for i in items],
        "next_cursor": next_cursor,
    }


def _documents_of(uow, item, access=None):
    """The documents delivered for the request that the caller with `access` sees
    (access.py; None: all of them, for the admin's lender items)."""
    query = select(Document.id).where(Document.request_id == item.id)
    if access is not None:
        query = query.where(documents_clause(access))
    return list(uow.session.scalars(query.order_by(Document.created_at)))


def review(uow, principal, access, request_id, decision, reason=None):
    """Staff: approve, or reject with a reason (the client is told and uploads again).
    Event `request_reviewed`."""
    if access["as"] != "staff":
        raise Forbidden()
    item = find_request(uow, request_id, lock=True)
    if item.dossier_id != access["dossier_id"]:
        raise NotFound()
    reason = load(Review(), {"decision": decision, "reason": reason})["reason"]
    if _already_reviewed(item, principal, decision, reason):
        return describe(item, _documents_of(uow, item, access))  # a retried call
    RequestStates.move(item, DECIDED[decision])  # NothingToReview
    item.reason = reason if decision == "reject" else None
    item.reviewed_by, item.reviewed_at = principal.account_id, utcnow()
    item.updated_at = item.reviewed_at
    announce_reviewed(uow, item, decision, reason, actor_of(principal), principal.account_id)
    return describe(item, _documents_of(uow, item, access))


def _already_reviewed(item, principal, decision, reason):
    """The same reviewer decided the same already (RPC is at-least-once)."""
    return (
        item.status == DECIDED[decision]
        and item.reviewed_by == principal.account_id
        and (item.reason or None) == (reason if decision == "reject" else None)
    )


def open_for_client(uow, pager, principal, dossier_ids, limit=50, cursor=None):
    """A page of the client's actions: their items still to deliver (open, or rejected
    with the reviewer's reason), oldest first. `dossier_ids`: the client's dossiers
    (dossier's answer), each read on ix_document_requests_dossier_created."""
    items, next_cursor = pager.page(
        uow.session,
        select(DocumentRequest).where(_open_for_client(dossier_ids)),
        [asc(DocumentRequest.created_at), asc(DocumentRequest.id)],
        limit,
        cursor,
        scope=f"open-requests:{principal.account_id}",
    )
    return {
        "items": [
            {
                "type": "document_request",
                "id": i.id,
                "dossier_id": i.dossier_id,
                "title": i.title,
                "status": i.status,
                "due_date": i.due_date,
                "reason": i.reason if i.status == RequestStates.REJECTED else None,
            }
            for i in items
        ],
        "next_cursor": next_cursor,
    }


def count_open_for_client(uow, dossier_ids):
    """How many items the client still has to deliver (the portal's home)."""
    return uow.session.scalar(
        select(func.count()).select_from(DocumentRequest).where(_open_for_client(dossier_ids))
    )


def _open_for_client(dossier_ids):
    return and_(
        DocumentRequest.dossier_id.in_(list(dossier_ids or ())),
        DocumentRequest.deliver_by == "client",
        DocumentRequest.status.in_(RequestStates.OPEN_FOR_CLIENT),
    )


def for_lender(uow, pager, status=None, limit=50, cursor=None):
    """Admin: a page of the lender's items across offices, to deliver, oldest first
    (ix_document_requests_deliver_created, or _deliver_status_created for one status)."""
    status = load(RequestFilter(), {"status": status})["status"]
    lender = DocumentRequest.deliver_by == "lender"
    return _page(uow, pager, lender, status, limit, cursor, f"lender-requests:{status or ''}")


def describe(item, document_ids):
    return {
        "id": item.id,
        "dossier_id": item.dossier_id,
        "title": item.title,
        "description": item.description,
        "deliver_by": item.deliver_by,
        "due_date": item.due_date,
        "status": item.status,
        "reason": item.reason,
        "document_ids": document_ids,
        "document_type": item.document_type,
        "valid_until": _iso(valid_until(item)),
        "lender_status": item.lender_status,
        "hdn_code": item.hdn_code,
        "created_at": item.created_at.isoformat(),
        "updated_at": item.updated_at.isoformat(),
    }


def _iso(moment):
    return moment.isoformat() if moment else None
