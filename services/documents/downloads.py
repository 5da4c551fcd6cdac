"""Downloads: a one-time ticket for a document's bytes (the blob endpoint spends it),
and the per-reader `downloaded` mark with its event for the audit trail."""

import secrets
from datetime import timedelta

from sqlalchemy.exc import IntegrityError

from services.common.db import utcnow
from services.common.errors import NotFound
from services.common.tokens import digest

from .events import DocumentDownloaded
from .library import actor_of, find_document, visible_document
from .models import Download, DownloadTicket

DOWNLOAD_TICKET_TTL = timedelta(minutes=2)


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
    return blob_grant(
        uow,
        document.blob_name,
        document.name,
        document.size,
        document.content_type,
        document.sha256,
    )


def blob_grant(uow, blob_name, name, size, content_type, sha256):
    """A one-time ticket (valid DOWNLOAD_TICKET_TTL) for the blob endpoint to send the
    blob `blob_name`. -> {ticket, name, size, content_type, sha256}"""
    ticket = secrets.token_urlsafe(32)
    uow.session.add(
        DownloadTicket(
            ticket_hash=digest(ticket),
            blob_name=blob_name,
            expires_at=utcnow() + DOWNLOAD_TICKET_TTL,
        )
    )
    return {
        "ticket": ticket,
        "name": name,
        "size": size,
        "content_type": content_type,
        "sha256": sha256,
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
