"""Documents in dossiers: uploads (ticket -> stored blob -> document), listing with
the per-reader `downloaded` mark, downloads, visibility. (The counts per tab are
dossier's, from the facts in these events: services/dossier/document_facts.py.)

Access to a dossier is dossier's fact: the service asks it first (`access`:
{dossier_id, office_id, client_id, as: "staff"|"client"}) and passes the answer in.
A client sees public documents only; what a client delivered is public to them."""

import secrets
from datetime import timedelta

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from services.common.db import new_id, utcnow
from services.common.errors import Forbidden, NotFound
from services.common.paging import desc
from services.common.tokens import digest, matches

from .access import documents_clause, sees_document
from .events import (
    DocumentDownloaded,
    DocumentPublished,
    DocumentUploaded,
    DocumentVisibilityChanged,
)
from .exceptions import DocumentSigned, TooManyUploads, UploadExpired, VisibilityFixed
from .inspection import safe_file_name
from .models import Document, Download, DownloadTicket, Upload
from .states import UploadStates

UPLOAD_TICKET_TTL = timedelta(minutes=15)
MAX_OPEN_UPLOADS = 4
DOWNLOAD_TICKET_TTL = timedelta(minutes=2)
CATEGORIES = ("document", "correspondence", "delivered_by_me")


def actor_of(principal):
    """Who acted, for events: dossier records it in the audit trail."""
    return {"actor_kind": principal.kind, "looked_along_by": principal.looked_along_by}


# -- uploads -----------------------------------------------------------------------------
def begin_upload(uow, principal, place, request_id=None, purpose="document"):
    """A one-time ticket for sending the bytes to the blob endpoint. -> {upload_id, ticket}
    TooManyUploads when the caller has MAX_OPEN_UPLOADS under way already."""
    ticket, now = secrets.token_urlsafe(32), utcnow()
    under_way = uow.session.scalar(
        select(func.count())
        .select_from(Upload)
        .where(
            Upload.account_id == principal.account_id,
            Upload.status.in_(UploadStates.IN_TRANSFER),
            Upload.created_at > now - UPLOAD_TICKET_TTL,
        )
    )
    if under_way >= MAX_OPEN_UPLOADS:
        raise TooManyUploads({"retry_after_s": 60})
    upload = Upload(
        id=new_id(),
        ticket_hash=digest(ticket),
        status=UploadStates.TICKET,
        purpose="request" if request_id else purpose,
        dossier_id=place["dossier_id"],
        office_id=place["office_id"],
        client_id=place["client_id"],
        request_id=request_id,
        account_id=principal.account_id,
        created_at=now,
        expires_at=now + UPLOAD_TICKET_TTL,
    )
    uow.session.add(upload)
    return {"upload_id": upload.id, "ticket": ticket}


def claim_upload(uow, upload_id, ticket):
    """The blob endpoint may receive bytes for this upload, once. -> the upload."""
    upload = uow.session.get(Upload, upload_id, with_for_update=True)
    if upload is None or not matches(upload.ticket_hash, ticket) or upload.expires_at <= utcnow():
        raise UploadExpired()
    UploadStates.move(upload, UploadStates.RECEIVING)  # once: UploadExpired after that
    return upload


def upload_received(uow, upload_id, inspected):
    """-> False when the upload was given up meanwhile (discarded by the gateway after
    a timeout, or by the janitor): then its bytes must go, not be kept."""
    return move_upload(
        uow,
        upload_id,
        UploadStates.STORED,
        size=inspected.size,
        sha256=inspected.sha256,
        content_type=inspected.content_type,
        extension=inspected.extension,
    )


def upload_failed(uow, upload_id):
    move_upload(uow, upload_id, UploadStates.FAILED)


def move_upload(uow, upload_id, to, from_statuses=None, **values):
    """A guarded status change to `to`: only from one of `from_statuses` (by default
    every state UploadStates allows to move there), never over another writer's change
    (no lost update on PostgreSQL). -> whether it happened."""
    from_statuses = from_statuses or UploadStates.sources(to)
    result = uow.session.execute(
        update(Upload)
        .where(Upload.id == upload_id, Upload.status.in_(from_statuses))
        .values(status=to, **values)
    )
    return result.rowcount == 1


def stored_upload(uow, principal, upload_id):
    """The caller's own upload, locked: -> (upload, None) when it waits to be attached,
    (upload, the document) when it already was (a retried call gets the same answer);
    UploadExpired otherwise."""
    upload = uow.session.get(Upload, upload_id, with_for_update=True)
    if upload is None or upload.account_id != principal.account_id:
        raise NotFound()
    if upload.status == UploadStates.ATTACHED:
        document = uow.session.scalar(select(Document).where(Document.blob_name == upload.id))
        return upload, describe(document, bool(_downloaded(uow, principal, [document.id])))
    if upload.status != UploadStates.STORED:  # a waiting attachment is kept, not finished
        raise UploadExpired()
    return upload, None


def discard_upload(uow, principal, upload_id):
    """-> the blob name to delete, or None. The caller's own unattached upload only."""
    upload = uow.session.get(Upload, upload_id)
    if upload is None or upload.account_id != principal.account_id:
        return None
    moved = move_upload(uow, upload_id, UploadStates.DISCARDED)
    return upload.id if moved else None


def add_document(uow, principal, upload, file_name, category, public, title=None, message_id=None):
    """The stored upload becomes a document. Events `document_uploaded` and, when the
    client sees it at once (and did not send it), `document_published` (not for a
    message's attachment: the message itself is announced)."""
    name = upload.name or safe_file_name(file_name, upload.extension)
    document = Document(
        id=upload.id if message_id else new_id(),
        message_id=message_id,
        dossier_id=upload.dossier_id,
        office_id=upload.office_id,
        client_id=upload.client_id,
        category=category,
        public=public,
        title=(title or "").strip() or name,
        name=name,
        size=upload.size,
        sha256=upload.sha256,
        content_type=upload.content_type,
        blob_name=upload.id,
        request_id=upload.request_id,
        uploaded_by=principal.account_id,
        uploaded_by_kind=principal.kind,
        created_at=utcnow(),
        locked=False,
    )
    uow.session.add(document)
    UploadStates.move(upload, UploadStates.ATTACHED)
    uow.emit(
        DocumentUploaded(
            document_id=document.id,
            dossier_id=document.dossier_id,
            office_id=document.office_id,
            client_id=document.client_id,
            request_id=document.request_id,
            category=category,
            name=name,
            public=public,
            client_visible=public,
            **actor_of(principal),
        ),
        actor=principal.account_id,
    )
    if public and category != "delivered_by_me" and not message_id:
        _published(uow, principal, document)
    return describe(document, downloaded=False)


def _published(uow, principal, document):
    uow.emit(
        DocumentPublished(
            document_id=document.id,
            dossier_id=document.dossier_id,
            office_id=document.office_id,
            client_id=document.client_id,
            title=document.title,
        ),
        actor=principal.account_id,
    )


# -- reading -----------------------------------------------------------------------------
def find_document(uow, document_id):
    """-> the document (for its dossier, whose access the service then checks)."""
    document = uow.session.get(Document, document_id)
    if document is None:
        raise NotFound()
    return document


def visible_document(uow, access, document_id, lock=False):
    """The document, when the caller with `access` sees it (access.py); else NotFound."""
    document = uow.session.get(Document, document_id, with_for_update=lock)
    if document is None or not sees_document(access, document):
        raise NotFound()
    return document


def list_documents(uow, pager, principal, access, category=None, limit=50, cursor=None):
    """A page of the dossier's documents, newest first (ix_documents_dossier_created)."""
    query = select(Document).where(documents_clause(access))
    if category:
        query = query.where(Document.category == category)
    documents, next_cursor = pager.page(
        uow.session,
        query,
        [desc(Document.created_at), desc(Document.id)],
        limit,
        cursor,
        scope=f"documents:{access['dossier_id']}:{access['as']}:{category or ''}",
    )
    seen = _downloaded(uow, principal, [d.id for d in documents])
    return {"items": [describe(d, d.id in seen) for d in documents], "next_cursor": next_cursor}


def downloaded_by(uow, principal, document):
    return bool(_downloaded(uow, principal, [document.id]))


def _downloaded(uow, principal, document_ids):
    if not document_ids:
        return set()
    return set(
        uow.session.scalars(
            select(Download.document_id).where(
                Download.account_id == principal.account_id, Download.document_id.in_(document_ids)
            )
        )
    )


def open_download(uow, principal, access, document_id):
    """Marks the document downloaded for the caller (not for a look-along session,
    which changes nothing of the client's) and gives a one-time ticket for the bytes.
    Event `document_downloaded` (the audit trail)."""
    document = visible_document(uow, access, document_id)
    if not principal.looked_along_by:
        _mark_downloaded(uow, document, principal)
    uow.emit(
        DocumentDownloaded(
            document_id=document.id,
            dossier_id=document.dossier_id,
            office_id=document.office_id,
            client_id=document.client_id,
            client_visible=document.public,
            **actor_of(principal),
        ),
        actor=principal.account_id,
    )
    return _download_grant(uow, document)


def open_service_download(uow, document_id):
    """A one-time ticket for a service that checked its caller itself (signing): no one
    downloaded anything, so nothing is marked and no event is sent."""
    return _download_grant(uow, find_document(uow, document_id))


def _download_grant(uow, document):
    ticket = secrets.token_urlsafe(32)
    uow.session.add(
        DownloadTicket(
            ticket_hash=digest(ticket),
            blob_name=document.blob_name,
            expires_at=utcnow() + DOWNLOAD_TICKET_TTL,
        )
    )
    return {
        "ticket": ticket,
        "name": document.name,
        "size": document.size,
        "content_type": document.content_type,
        "sha256": document.sha256,
    }


def _mark_downloaded(uow, document, principal):
    """The first download counts; a parallel one (a double click) finds it done."""
    if uow.session.get(Download, (document.id, principal.account_id)):
        return
    try:
        with uow.session.begin_nested():
            uow.session.add(
                Download(document_id=document.id, account_id=principal.account_id, at=utcnow())
            )
    except IntegrityError:
        pass


def claim_download(uow, ticket):
    """-> the blob name; the ticket is spent."""
    row = uow.session.get(DownloadTicket, digest(ticket), with_for_update=True)
    if row is None or row.expires_at <= utcnow():
        raise NotFound()
    uow.session.delete(row)
    return row.blob_name


def set_visibility(uow, principal, access, document_id, public):
    """Staff: shows or hides a document in the client's portal, at once. Events
    `document_visibility_changed`, and `document_published` when it became visible."""
    if access["as"] != "staff":
        raise Forbidden()
    document = visible_document(uow, access, document_id, lock=True)
    if document.locked:
        raise DocumentSigned()
    if document.request_id or document.category == "delivered_by_me":
        raise VisibilityFixed()  # the client's deliveries stay theirs, the lender's hidden
    if document.public != public:
        document.public = public
        uow.emit(
            DocumentVisibilityChanged(
                document_id=document.id,
                dossier_id=document.dossier_id,
                office_id=document.office_id,
                client_id=document.client_id,
                public=public,
                client_visible=public,
                category=document.category,
                uploaded_by=document.uploaded_by,
                **actor_of(principal),
            ),
            actor=principal.account_id,
        )
        if public:
            _published(uow, principal, document)
    return describe(document, bool(_downloaded(uow, principal, [document.id])))


def export_facts(uow, after=None, limit=500):
    """For dossier's read model (its counts per tab), once per deployment: a page of
    every document's facts by id, with who downloaded them. -> {documents: [{id,
    dossier_id, category, public, uploaded_by}], downloads: [[document_id, account_id]],
    next_cursor: the last id, or None after the last page, as_of: when the page was
    read (ISO time): an event older than that is already in it}."""
    as_of = utcnow().isoformat()
    query = (
        select(
            Document.id,
            Document.dossier_id,
            Document.category,
            Document.public,
            Document.uploaded_by,
        )
        .order_by(Document.id)
        .limit(limit)
    )
    if after:
        query = query.where(Document.id > after)
    documents = [row._asdict() for row in uow.session.execute(query)]
    ids = [d["id"] for d in documents]
    downloads = (
        uow.session.execute(
            select(Download.document_id, Download.account_id).where(Download.document_id.in_(ids))
        )
        if ids
        else []
    )
    return {
        "documents": documents,
        "downloads": [list(row) for row in downloads],
        "next_cursor": ids[-1] if len(ids) == limit else None,
        "as_of": as_of,
    }


def describe(document, downloaded):
    return {
        "id": document.id,
        "dossier_id": document.dossier_id,
        "name": document.name,
        "title": document.title,
        "size": document.size,
        "sha256": document.sha256,
        "content_type": document.content_type,
        "category": document.category,
        "public": document.public,
        "request_id": document.request_id,
        "uploaded_by": {"id": document.uploaded_by, "kind": document.uploaded_by_kind},
        "created_at": document.created_at.isoformat(),
        "downloaded": downloaded,
        "locked": document.locked,
    }
