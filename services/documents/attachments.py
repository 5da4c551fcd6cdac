"""Attachments of messages (dossier owns the messages): uploaded first, kept `pending`
and removable by their sender until the message is sent, then filed as documents of
the dossier that both sides see."""

from services.common.errors import NotFound
from services.common.schemas import load

from .file_names import safe_file_name
from .library import add_document
from .models import Upload, locked
from .schemas import Attachments
from .states import UploadStates
from .uploads import move_upload, stored_upload


def keep_attachment(uow, principal, upload_id, file_name):
    """A stored attachment waits (`pending`) for its message; removable until then."""
    upload, done = stored_upload(uow, principal, upload_id)
    if upload.purpose != "attachment":
        raise NotFound()
    if done:  # already sent with its message (a retried call): unchanged
        return describe_attachment(upload)
    UploadStates.move(upload, UploadStates.PENDING)
    upload.name = safe_file_name(file_name, upload.extension)
    return describe_attachment(upload)


def remove_attachment(uow, principal, attachment_id):
    """-> the blob to delete. The sender's own attachment, before it was sent."""
    upload = uow.session.get(Upload, attachment_id)
    if (
        upload is None
        or upload.account_id != principal.account_id
        or upload.purpose != "attachment"
        or not move_upload(uow, attachment_id, UploadStates.DISCARDED, (UploadStates.PENDING,))
    ):
        raise NotFound()
    return upload.id


def file_attachments(uow, principal, message_id, dossier_id, attachment_ids):
    """Sending a message: its attachments become documents of the dossier (a client's
    under `delivered_by_me`, staff's under `correspondence`), visible to both sides.
    Only the sender's own pending attachments of this dossier (else NotFound); a retry
    for the same message gets the same answer. -> [{id, name, size, content_type}]"""
    ids = load(Attachments(), {"attachment_ids": attachment_ids})["attachment_ids"]
    category = "delivered_by_me" if principal.kind == "client" else "correspondence"
    filed = []
    for upload_id in ids:
        upload = uow.session.get(Upload, upload_id, with_for_update=locked(Upload))
        if (
            upload is None
            or upload.purpose != "attachment"
            or upload.account_id != principal.account_id
            or upload.dossier_id != dossier_id
        ):
            raise NotFound()
        if upload.status == UploadStates.ATTACHED and upload.message_id == message_id:
            filed.append(describe_attachment(upload))
            continue
        if upload.status != UploadStates.PENDING:  # not a waiting attachment
            raise NotFound()
        upload.message_id = message_id
        add_document(uow, principal, upload, upload.name, category, True, message_id=message_id)
        filed.append(describe_attachment(upload))
    return filed


def describe_attachment(upload):
    return {
        "id": upload.id,
        "name": upload.name,
        "size": upload.size,
        "content_type": upload.content_type,
        "sha256": upload.sha256,
    }
