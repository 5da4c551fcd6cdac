"""Signing a request, end to end (the `sign` entrypoint): signature.begin marks it as
being signed, the exact bytes offered are fetched, signed with the evidence and filed
(documents_link.py), signature.finish records it. No transaction is held across the
calls in between; an attempt that fails half-way is abandoned, so the signer may try
again at once."""

from . import signature
from .exceptions import DocumentChanged


def sign(store, documents, platform, principal, request_id, full_name, agree):
    """-> {status: "signed", signed_document_id}. NameMismatch, AgreementRequired,
    AlreadySigned, SigningRequestClosed, SigningInProgress, DocumentChanged, NotAPdf."""
    with store.unit_of_work() as uow:
        attempt = signature.begin(uow, principal, request_id, full_name, agree)
    try:
        filed = _sign_and_file(documents, platform, principal, attempt)
        with store.unit_of_work() as uow:
            return signature.finish(
                uow, principal, request_id, attempt["attempt"], *filed, platform
            )
    except BaseException:
        with store.unit_of_work() as uow:
            signature.abandon(uow, request_id, attempt["attempt"])
        raise


def _sign_and_file(documents, platform, principal, attempt):
    """-> (evidence, the signed copy's document id, its sha256)."""
    original = documents.fetch(attempt["document_id"])
    if signature.sha256(original) != attempt["document_sha256"]:
        raise DocumentChanged()
    evidence = signature.evidence_of(attempt, principal, platform)
    signed = signature.make_signed_pdf(original, evidence, platform, attempt["language"])
    document = documents.file_signed(attempt, signed)
    documents.lock(attempt["document_id"], document["id"])
    return evidence, document["id"], signature.sha256(signed)
