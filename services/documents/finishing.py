"""Finishing an upload: the stored bytes become a document, one way per kind of upload
(its `purpose`, set when the upload began): a staff document of the dossier, a delivery
for a document request, a client's own file. A message's attachment is not finished
here: it waits for its message (attachments.py)."""

from services.common.errors import ValidationFailed
from services.common.schemas import load

from . import checklist, library, uploads
from .schemas import DossierDocument


def finish(uow, principal, upload_id, file_name, category, public, title):
    """-> the document; a retried call (RPC is at-least-once) gets the same answer.
    ValidationFailed for an upload of a kind that is not finished here."""
    upload, done = uploads.stored_upload(uow, principal, upload_id)
    if done:
        return done
    finisher = FINISHERS.get(upload.purpose, _not_a_document)
    return finisher(uow, principal, upload, file_name, category, public, title)


def _dossier_document(uow, principal, upload, file_name, category, public, title):
    """Staff's upload: filed under `category` (document|correspondence), `public` or not."""
    category = load(DossierDocument(), {"category": category})["category"]
    return library.add_document(uow, principal, upload, file_name, category, bool(public), title)


def _request_delivery(uow, principal, upload, file_name, category, public, title):
    """For a document request: filed as the request says (checklist.deliver)."""
    return checklist.deliver(uow, principal, upload, file_name)


def _own_delivery(uow, principal, upload, file_name, category, public, title):
    """A client's own file (e.g. a questionnaire's PDF): under `delivered_by_me`, public."""
    return library.add_document(uow, principal, upload, file_name, "delivered_by_me", True, title)


def _not_a_document(uow, principal, upload, file_name, category, public, title):
    raise ValidationFailed({"upload_id": ["Not a document upload."]})


FINISHERS = {
    "document": _dossier_document,
    "request": _request_delivery,
    "delivery": _own_delivery,
    "attachment": _not_a_document,  # kept for its message, not finished
}
