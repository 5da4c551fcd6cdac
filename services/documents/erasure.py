"""What of a client's documents goes at once when a client who asked for erasure leaves
(AVG art. 17), and what the office must keep until the retention ends (Wwft art. 33).
The one place that sorts them; docs/privacy.md "Bewaren en wissen" says the same.

Kept (Wwft art. 33: the identification of the client and the customer due diligence,
the documents and data used for it, for five years after the relationship ended; AVG
art. 17 lid 3 sub b):
- `document`: what the office filed in the dossier itself (the copy of the identity
  document it made, its due-diligence file, its advice and agreements);
- whatever was delivered for a document request (`request_id`): the office asked for it
  to identify the client and carry out its due diligence (identity document, income,
  property, origin of funds);
- a signed document (`locked`): the evidence of what was agreed and signed.

Gone at once (no law requires keeping it; AVG art. 17 lid 1 sub a and b):
- `correspondence`: the attachments of the office's messages;
- `delivered_by_me` not asked for by a request: the client's own files (a message's
  attachments, a questionnaire's PDF of the answers).

What is kept is shredded with the client's key at the end of retention
(client_keys.py)."""

import logging

from sqlalchemy import delete, select, update

from services.common.db import utcnow

from .models import Document, Download, ErasedDocument, Upload, locked

log = logging.getLogger(__name__)


def kept_by_law(document):
    """Is `document` identification or due-diligence data (kept until the retention
    ends) rather than something that goes at once?"""
    return document.category == "document" or document.request_id is not None or document.locked


def erase_unkept(uow, client_id):
    """Remove the rows of the client's documents that no law keeps, with their
    download receipts and uploads, and leave a tombstone of each (ids and the blob's
    name) in the same transaction. -> [{id, dossier_id}] of every document of the
    client erased so far, earlier rounds too: the caller may have missed an earlier
    answer. Idempotent. The blobs go once this is committed (`delete_erased_blobs`)."""
    documents = uow.session.scalars(
        select(Document).where(Document.client_id == client_id).with_for_update(**locked(Document))
    ).all()
    going = [d for d in documents if not kept_by_law(d)]
    if going:
        ids = [d.id for d in going]
        uow.session.execute(delete(Download).where(Download.document_id.in_(ids)))
        uow.session.execute(delete(Document).where(Document.id.in_(ids)))
        blob_names = [d.blob_name for d in going]  # an upload is named as its blob
        uow.session.execute(delete(Upload).where(Upload.id.in_(blob_names)))
        now = utcnow()
        for d in going:
            uow.session.add(
                ErasedDocument(
                    id=d.id,
                    client_id=client_id,
                    dossier_id=d.dossier_id,
                    blob_name=d.blob_name,
                    erased_at=now,
                )
            )
        uow.session.flush()
    tombstones = uow.session.scalars(
        select(ErasedDocument)
        .where(ErasedDocument.client_id == client_id)
        .order_by(ErasedDocument.erased_at, ErasedDocument.id)
    )
    return [{"id": t.id, "dossier_id": t.dossier_id} for t in tombstones]


def delete_erased_blobs(store, blobs, client_id=None, limit=500):
    """Delete the blobs of erased documents that are not deleted yet (of one client, or
    of any): each call after an erasure, and the janitor's timer for what failed then.
    A deletion that fails is logged (ids only) and left for the next time; deleting a
    blob that is gone already is harmless. -> how many were deleted now."""
    with store.unit_of_work() as uow:
        query = select(ErasedDocument.id, ErasedDocument.blob_name).where(
            ErasedDocument.blob_deleted_at.is_(None)
        )
        if client_id is not None:
            query = query.where(ErasedDocument.client_id == client_id)
        pending = list(uow.session.execute(query.order_by(ErasedDocument.erased_at).limit(limit)))
    deleted = []
    for document_id, blob_name in pending:
        try:
            blobs.delete(blob_name)
        except Exception as error:  # the next call or round tries again
            log.warning(
                "blob of erased document %s not deleted yet: %s", document_id, type(error).__name__
            )
            continue
        deleted.append(document_id)
    if deleted:
        with store.unit_of_work() as uow:
            uow.session.execute(
                update(ErasedDocument)
                .where(ErasedDocument.id.in_(deleted))
                .values(blob_deleted_at=utcnow())
            )
    return len(deleted)
