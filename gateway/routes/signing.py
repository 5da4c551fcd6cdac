"""Signing (signing). A signature is verified here, in the gateway, against the
platform's public root certificate: the file is the caller's own, it is read whole
(bounded: pyHanko needs all of it) and nothing is stored."""
from services.common.errors import ValidationFailed
from services.documents.exceptions import FileTooLarge

from ..http import page, route
from ..schemas import (DeliveryForm, ItemList, SignBody, SigningOffer, SigningQuery,
                       SigningRequestOut, VerifyOut)
from ..uploads import MultipartStream, refuse_declared_oversize

MAX_VERIFY_BYTES = 25 * 1024 * 1024


@route("POST", "/documents/<document_id>/signing-requests", body=SigningOffer, tag="signing",
       responses={201: ("pending; the document is visible to the signer", SigningRequestOut),
                  409: ("signer_has_no_account", None),
                  422: ("not_a_pdf | invalid_signer", None)})
def offer(call, document_id):
    """Staff: a PDF of the dossier, to be signed by `signer_id` (a client of the dossier)."""
    return 201, call.services.signing.offer_for_signature(document_id, call.body["signer_id"])


@route("GET", "/signing-requests", query=SigningQuery, tag="signing",
       responses={200: ("client: own; staff: their offices'", ItemList)})
def list_requests(call):
    return 200, page(call, call.services.signing.list_signing_requests(
        status=call.query.get("status")))


@route("GET", "/signing-requests/<request_id>", tag="signing",
       responses={200: ("the signer's own, or one of the offices'", SigningRequestOut)})
def get_request(call, request_id):
    return 200, call.services.signing.get_signing_request(request_id)


@route("POST", "/signing-requests/<request_id>/sign", body=SignBody, tag="signing",
       responses={200: ("signed", None), 409: ("already_signed | signing_request_closed", None),
                  422: ("name_mismatch | agreement_required", None)})
def sign(call, request_id):
    """The signer types their full name and ticks `agree`."""
    return 200, call.services.signing.sign(request_id, call.body["full_name"],
                                           call.body["agree"], timeout=60)


@route("POST", "/signing-requests/<request_id>/withdraw", tag="signing",
       responses={200: ("withdrawn", SigningRequestOut)})
def withdraw(call, request_id):
    """Staff: a pending request ends; it can no longer be signed."""
    return 200, call.services.signing.withdraw_signing_request(request_id)


@route("GET", "/signing-requests/<request_id>/evidence", tag="signing",
       responses={200: ("sealed with the platform's key", None)})
def evidence(call, request_id):
    """The signer or staff: {document_sha256, signed_document_sha256, signer, signed_at,
    ip, user_agent, auth, seal}."""
    return 200, call.services.signing.signing_evidence(request_id)


@route("POST", "/signatures/verify", auth=False, form=DeliveryForm, tag="signing",
       responses={200: ("the verdict", VerifyOut)})
def verify(call):
    """Anyone: multipart `file`, a signed PDF. `valid` only when its last signature is
    the platform's, intact and covering the whole file."""
    from services.signing.pades import verify_pdf  # pyHanko: loaded when first needed
    refuse_declared_oversize(call.request)
    content = read_file_part(MultipartStream(call.request))
    root = call.services.signing.platform_root()["root_pem"].encode()
    verdict = verify_pdf(content, root)
    # As issued: the exact bytes the platform filed (a valid signature can be re-encoded).
    issued = verdict["valid"] and call.services.signing.issued_signature(
        verdict["document_sha256"])
    if not issued:
        return 200, {"valid": False, "signed_by": None, "signed_at": None,
                     "document_sha256": verdict["document_sha256"]}
    return 200, {"valid": True, "signed_by": issued["signer"], "signed_at": issued["signed_at"],
                 "document_sha256": verdict["document_sha256"],
                 "original_sha256": issued["original_sha256"],
                 "sealed_by": verdict["signed_by"]}


def read_file_part(form):
    """The `file` part, whole (bounded by MAX_VERIFY_BYTES); nothing else is accepted."""
    content = None
    for part in form.parts():
        if part.name != "file" or part.filename is None or content is not None:
            raise ValidationFailed({part.name: ["Unknown field."]})
        content = form.whole(MAX_VERIFY_BYTES, FileTooLarge({"max_bytes": MAX_VERIFY_BYTES}))
    if content is None:
        raise ValidationFailed({"file": ["Missing data for required field."]})
    return content
