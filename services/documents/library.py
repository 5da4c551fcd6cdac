"""Documents in dossiers: a stored upload becomes a document; listing with the
per-reader `downloaded` mark; visibility. (The counts per tab are dossier's, from the
facts in these events: services/dossier/document_facts.py.) Uploads, downloads and the
facts for dossier have modules of their own.

Access to a dossier is dossier's fact: the service asks it first (`access`:
{dossier_id, office_id, client_id, as: "staff"|"client"}) and passes the answer in.
A client sees public documents only; what a client delivered is public to them."""

from sqlalchemy import select

from services.common.db import new_id, utcnow
from services.common.errors import Forbidden, NotFound
from services.common.paging import desc
from services.common.schemas import load

from .access import documents_clause, sees_document
from .events import DocumentPublished, DocumentUploaded, DocumentVisibilityChanged
from .exceptions import DocumentSigned, VisibilityFixed
from .file_names import safe_file_name
from .models import Document, Download, locked
from .schemas import DocumentFilter, Visibility
from .states import UploadStates


def actor_of(principal):
    """Who acted, for events: dossier records it in the audit trail."""
    return {"actor_kind": principal.actor_kind, "looked_along_by": principal.looked_along_by}


def add_document(uow, principal, upload, file_name, category, public, title=None, message_id=None):
    """The stored upload becomes a document. Events `document_uploaded` and, when the
    client sees it at once (and did not send it), `document_published` (not for a
    message's attachment: the message itself is announced)."""
    name = upload.name or safe_file_name(file_name, upload.extension)
    document = _document_of(upload, principal, name, category, public, title, message_id)
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


def _document_of(upload, principal, name, category, public, title, message_id):
    """The document a stored upload becomes (a message's attachment keeps its id)."""
    return Document(
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
    document = uow.session.get(
        Document, document_id, with_for_update=locked(Document) if lock else None
    )
    if document is None or not sees_document(access, document):
        raise NotFound()
    return document


def list_documents(uow, pager, principal, access, category=None, limit=50, cursor=None):
    """A page of the dossier's documents, newest first (ix_documents_dossier_created)."""
    category = load(DocumentFilter(), {"category": category})["category"]
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


def set_visibility(uow, principal, access, document_id, public):
    """Staff: shows or hides a document in the client's portal, at once. Events
    `document_visibility_changed`, and `document_published` when it became visible."""
    public = load(Visibility(), {"public": public})["public"]
    if access["as"] != "staff":
        raise Forbidden()
    document = visible_document(uow, access, document_id, lock=True)
    if document.locked:
        raise DocumentSigned()
    if document.request_id or document.category == "delivered_by_me":
        raise VisibilityFixed()  # the client's deliveries stay theirs, the lender's hidden
    if document.public != public:
        document.public = public
        _visibility_changed(uow, principal, document)
        if public:
            _published(uow, principal, document)
    return describe(document, downloaded_by(uow, principal, document))


def _visibility_changed(uow, principal, document):
    uow.emit(
        DocumentVisibilityChanged(
            document_id=document.id,
            dossier_id=document.dossier_id,
            office_id=document.office_id,
            client_id=document.client_id,
            public=document.public,
            client_visible=document.public,
            category=document.category,
            uploaded_by=document.uploaded_by,
            **actor_of(principal),
        ),
        actor=principal.account_id,
    )


def lock(uow, document_id):
    """The document was signed, or signed from: its visibility can no longer change."""
    find_document(uow, document_id).locked = True


def describe_document(uow, principal, access, document_id):
    """The document as the caller with `access` may see it, with the office and client
    of its dossier."""
    document = visible_document(uow, access, document_id)
    return {
        **describe(document, downloaded_by(uow, principal, document)),
        "office_id": document.office_id,
        "client_id": document.client_id,
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
