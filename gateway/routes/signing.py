"""Signing (signing). A file to verify is streamed on to signing's verify endpoint,
which checks it within a budget, off every event loop (services/signing/verification.py);
nothing is stored."""

from services.common.errors import ValidationFailed

from ..http import paging, route
from ..schemas import (
    DeliveryForm,
    Evidence,
    ItemList,
    SignBody,
    Signed,
    SigningOffer,
    SigningQuery,
    SigningRequestOut,
    VerifyOut,
)
from ..settings import SETTINGS
from ..uploads import MultipartStream, bounded, refuse_declared_oversize

# Signing answers within VERIFY_TIMEOUT_S of having the file (the check is killed then).
VERIFY_ANSWER_TIMEOUT_S = SETTINGS.verify_timeout_s + 30


@route(
    "POST",
    "/documents/<document_id>/signing-requests",
    body=SigningOffer,
    tag="signing",
    changes_access=False,
    responses={
        201: ("pending; the document is visible to the signer", SigningRequestOut),
        409: ("signer_has_no_account", None),
        422: ("not_a_pdf | invalid_signer", None),
    },
)
def offer(call, document_id):
    """Staff: a PDF of the dossier, to be signed by `signer_id` (a client of the dossier)."""
    return 201, call.services.signing.offer_for_signature(document_id, call.body["signer_id"])


@route(
    "GET",
    "/signing-requests",
    query=SigningQuery,
    tag="signing",
    responses={200: ("client: own; staff: their offices'", ItemList)},
)
def list_requests(call):
    """Newest first."""
    return 200, call.services.signing.list_signing_requests(
        status=call.query.get("status"), **paging(call)
    )


@route(
    "GET",
    "/signing-requests/<request_id>",
    tag="signing",
    responses={200: ("the signer's own, or one of the offices'", SigningRequestOut)},
)
def get_request(call, request_id):
    return 200, call.services.signing.get_signing_request(request_id)


@route(
    "POST",
    "/signing-requests/<request_id>/sign",
    body=SignBody,
    tag="signing",
    changes_access=False,
    responses={
        200: ("signed", Signed),
        409: ("already_signed | signing_request_closed", None),
        422: ("name_mismatch | agreement_required", None),
    },
)
def sign(call, request_id):
    """The signer types their full name and ticks `agree`."""
    return 200, call.services.signing.sign(
        request_id, call.body["full_name"], call.body["agree"], timeout=60
    )


@route(
    "POST",
    "/signing-requests/<request_id>/withdraw",
    changes_access=False,
    tag="signing",
    responses={200: ("withdrawn", SigningRequestOut)},
)
def withdraw(call, request_id):
    """Staff: a pending request ends; it can no longer be signed."""
    return 200, call.services.signing.withdraw_signing_request(request_id)


@route(
    "GET",
    "/signing-requests/<request_id>/evidence",
    tag="signing",
    responses={200: ("sealed with the platform's key", Evidence)},
)
def evidence(call, request_id):
    """The signer or staff: {document_sha256, signed_document_sha256, signer, signed_at,
    ip, user_agent, auth, seal}."""
    return 200, call.services.signing.signing_evidence(request_id)


@route(
    "POST",
    "/signatures/verify",
    auth=False,
    form=DeliveryForm,
    tag="signing",
    changes_access=False,
    responses={
        200: ("the verdict", VerifyOut),
        413: ("file_too_large: over VERIFY_MAX_BYTES", None),
        422: (
            "pdf_too_complex: beyond the budget of a check (signature "
            "fields, objects, time or memory)",
            None,
        ),
        429: (
            "rate_limited: too many checks from this address, or too many at once (Retry-After)",
            None,
        ),
    },
)
def verify(call):
    """Anyone: multipart `file`, a signed PDF. `valid` only when its last signature is
    the platform's, intact and covering the whole file, and the platform issued exactly
    these bytes."""
    refuse_declared_oversize(call.request, SETTINGS.verify_max_bytes)  # signing checks it too
    form = MultipartStream(call.request)
    grant = call.services.signing.begin_verification(source_ip=call.source_ip)
    verdict = None
    for part in form.parts():
        if part.name != "file" or part.filename is None or verdict is not None:
            raise ValidationFailed({part.name: ["Unknown field."]})
        verdict = call.services.verifier.verify(
            grant, bounded(form.data(), SETTINGS.verify_max_bytes), VERIFY_ANSWER_TIMEOUT_S
        )
    if verdict is None:
        raise ValidationFailed({"file": ["Missing data for required field."]})
    return 200, verdict
