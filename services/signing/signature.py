"""The act of signing: the signer types their name and ticks their agreement; the exact
bytes offered get a certificate page with the evidence and a PAdES signature by the
platform's certificate; the result is filed in the dossier, and the evidence sealed.

Steps (no transaction is held across the RPC and HTTP calls in between; signing_flow.py
runs them): `begin` checks and marks the request as being signed; the bytes are fetched,
`make_signed_pdf` builds the signed file, it is filed, `finish` records it."""

import hashlib
import unicodedata

from sqlalchemy import select

from services.common.db import utcnow
from services.common.errors import NotFound
from services.common.schemas import load

from . import offers, pades
from .access import visible_request
from .certificate_page import NotAPdf as UnreadablePdf
from .certificate_page import append_certificate_page
from .events import DocumentSigned
from .exceptions import (
    AgreementRequired,
    NameMismatch,
    NotAPdf,
    SigningInProgress,
    SigningRequestClosed,
)
from .models import LOCK, SigningRequest
from .platform_key import seal
from .schemas import Signing
from .states import SigningRequestStates as States


def same_name(typed, expected):
    """Case and spacing aside (and Unicode forms: é typed or composed)."""

    def norm(text):
        return " ".join(unicodedata.normalize("NFC", text or "").split()).casefold()

    return bool(norm(typed)) and norm(typed) == norm(expected)


def begin(uow, principal, request_id, full_name, agree):
    """-> what the signing needs. NotFound (not the signer's), AlreadySigned,
    SigningRequestClosed, AgreementRequired, NameMismatch, SigningInProgress;
    ValidationFailed for a name or agreement that is not text or a boolean."""
    load(Signing(), {"full_name": full_name, "agree": agree})
    item = visible_request(uow, principal, request_id, lock=True)
    if principal.kind != "client":
        raise NotFound()
    now = utcnow()
    States.check(item.status, States.SIGNED)  # AlreadySigned, SigningRequestClosed
    if item.expires_at <= now:
        raise SigningRequestClosed()
    if agree is not True:
        raise AgreementRequired()
    if not same_name(full_name, item.signer_name):
        raise NameMismatch()
    if item.signing_started_at and now - item.signing_started_at < offers.STALE_ATTEMPT:
        raise SigningInProgress()
    item.signing_started_at = now
    return {
        "id": item.id,
        "attempt": now.isoformat(),
        "document_id": item.document_id,
        "dossier_id": item.dossier_id,
        "title": item.title,
        "document_sha256": item.document_sha256,
        "signer": {
            "name": item.signer_name,
            "client_id": item.signer_client_id,
            "account_id": item.signer_account_id,
        },
        "language": item.language,
    }


def evidence_of(attempt, principal, identity):
    return {
        "signing_request_id": attempt["id"],
        "document_id": attempt["document_id"],
        "document_title": attempt["title"],
        "document_sha256": attempt["document_sha256"],
        "signer": attempt["signer"],
        "signed_at": utcnow().isoformat(),
        "ip": principal.source_ip,
        "user_agent": principal.user_agent,
        "auth": principal.auth_method,
        "platform_certificate": identity.common_name,
    }


def make_signed_pdf(original, evidence, identity, language):
    """-> the signed PDF's bytes: the original plus a certificate page, PAdES-sealed."""
    try:
        with_page = append_certificate_page(original, evidence, language)
    except UnreadablePdf:
        raise NotAPdf()
    reason = "Ondertekend via Kluis" if language == "nl" else "Signed through Kluis"
    return pades.sign_pdf(with_page, identity, reason=reason)


def finish(
    uow, principal, request_id, attempt, evidence, signed_document_id, signed_sha256, identity
):
    """Records the signature with its sealed evidence. Event `document_signed`."""
    item = visible_request(uow, principal, request_id, lock=True)
    if (
        not States.can(item.status, States.SIGNED)
        or item.signing_started_at is None
        or item.signing_started_at.isoformat() != attempt
    ):
        raise SigningRequestClosed()  # withdrawn, or another attempt took over
    evidence = {
        **evidence,
        "signed_document_sha256": signed_sha256,
        "signed_document_id": signed_document_id,
    }
    item.evidence, item.seal = evidence, seal(identity, evidence)
    States.move(item, States.SIGNED)
    item.closed_at, item.closed_by = utcnow(), principal.account_id
    item.signed_document_id, item.signing_started_at = signed_document_id, None
    item.signed_document_sha256 = signed_sha256
    uow.emit(
        DocumentSigned(
            signing_request_id=item.id,
            document_id=item.document_id,
            signed_document_id=signed_document_id,
            dossier_id=item.dossier_id,
            office_id=item.office_id,
        ),
        actor=principal.account_id,
    )
    return {"status": States.SIGNED, "signed_document_id": signed_document_id}


def abandon(uow, request_id, attempt):
    """An attempt that failed half-way: the request can be signed again at once."""
    item = uow.session.get(SigningRequest, request_id, with_for_update=LOCK)
    if (
        item is not None
        and item.status == States.PENDING
        and item.signing_started_at
        and item.signing_started_at.isoformat() == attempt
    ):
        item.signing_started_at = None


def evidence_view(item):
    """The evidence of a signed request; NotFound before it is signed."""
    if item.status != States.SIGNED:
        raise NotFound()
    evidence = item.evidence
    if evidence is None:  # the signer was erased (erasure.py): the facts about the file
        return {
            "document_sha256": item.document_sha256,
            "signed_document_sha256": item.signed_document_sha256,
            "signer": None,
            "signed_at": item.closed_at.isoformat(),
            "ip": None,
            "user_agent": None,
            "auth": None,
            "seal": None,
            "evidence": None,
        }
    return {
        "document_sha256": evidence["document_sha256"],
        "signed_document_sha256": evidence["signed_document_sha256"],
        "signer": evidence["signer"],
        "signed_at": evidence["signed_at"],
        "ip": evidence["ip"],
        "user_agent": evidence["user_agent"],
        "auth": evidence["auth"],
        "seal": item.seal,
        "evidence": evidence,
    }


def sha256(data):
    return hashlib.sha256(data).hexdigest()


def issued(uow, signed_document_sha256):
    """-> {signer, signed_at, original_sha256} of the signature this platform issued as
    exactly these bytes, or None."""
    item = uow.session.scalar(
        select(SigningRequest).where(
            SigningRequest.status == States.SIGNED,
            SigningRequest.signed_document_sha256 == str(signed_document_sha256),
        )
    )
    if item is None:
        return None
    evidence = item.evidence  # None once the signer was erased (erasure.py)
    return {
        "signer": item.signer_name or None,
        "signed_at": evidence["signed_at"] if evidence else item.closed_at.isoformat(),
        "original_sha256": item.document_sha256,
    }
