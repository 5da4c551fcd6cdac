"""Offering a dossier's PDF for signature (the `offer_for_signature` entrypoint): the
document and the signer are documents's and dossier's facts, asked with the caller's
principal; the request itself is offers.offer."""

from services.common.schemas import load

from . import offers
from .exceptions import NotAPdf
from .schemas import Offer


def offer_for_signature(store, documents, dossier, principal, document_id, signer_id, settings):
    """-> the request (pending). The document becomes visible to the signer. NotAPdf;
    dossier's InvalidSigner, SignerHasNoAccount; NotFound."""
    signer_id = load(Offer(), {"signer_id": signer_id})["signer_id"]
    document = documents.describe_document(document_id)
    if document["content_type"] != "application/pdf":
        raise NotAPdf()
    signer = dossier.signer_for(document["dossier_id"], signer_id)
    if not document["public"]:
        documents.set_document_visibility(document_id, True)
    with store.unit_of_work() as uow:
        return offers.offer(
            uow, principal, document, signer, settings.request_ttl, settings.public_url
        )
