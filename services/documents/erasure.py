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

from sqlalchemy import delete, select

from .models import Document, Download, Upload


def kept_by_law(document):
    """Is `document` identification or due-diligence data (kept until the retention
    ends) rather than something that goes at once?"""
    return document.category == "document" or document.request_id is not None or document.locked


def erase_unkept(uow, client_id):
    """Remove the rows of the client's documents that no law keeps, with their
    download receipts and uploads. -> [{id, dossier_id, blob_name}] of those removed (their blobs
    are deleted by the caller once this is committed). Idempotent."""
    documents = uow.session.scalars(
        select(Document).where(Document.client_id == client_id).with_for_update()
    ).all()
    going = [d for d in documents if not kept_by_law(d)]
    if going:
        ids = [d.id for d in going]
        uow.session.execute(delete(Download).where(Download.document_id.in_(ids)))
        uow.session.execute(delete(Document).where(Document.id.in_(ids)))
        blob_names = [d.blob_name for d in going]  # an upload is named as its blob
        uow.session.execute(delete(Upload).where(Upload.id.in_(blob_names)))
    return [{"id": d.id, "dossier_id": d.dossier_id, "blob_name": d.blob_name} for d in going]
