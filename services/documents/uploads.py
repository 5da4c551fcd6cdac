"""Uploads: a one-time ticket, the bytes the blob endpoint receives for it (stored), then
a document (library.add_document), a message's attachment (attachments.py), or
discarded. Each upload's status moves only as UploadStates allows."""

import secrets
from datetime import timedelta

from sqlalchemy import func, select, update

from services.common.db import new_id, utcnow
from services.common.errors import NotFound
from services.common.tokens import digest, matches

from . import library
from .exceptions import TooManyUploads, UploadExpired
from .models import Document, Upload, locked
from .states import UploadStates

UPLOAD_TICKET_TTL = timedelta(minutes=15)
MAX_OPEN_UPLOADS = 4


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
    upload = uow.session.get(Upload, upload_id, with_for_update=locked(Upload))
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
    upload = uow.session.get(Upload, upload_id, with_for_update=locked(Upload))
    if upload is None or upload.account_id != principal.account_id:
        raise NotFound()
    if upload.status == UploadStates.ATTACHED:
        document = uow.session.scalar(select(Document).where(Document.blob_name == upload.id))
        return upload, library.describe(document, library.downloaded_by(uow, principal, document))
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
