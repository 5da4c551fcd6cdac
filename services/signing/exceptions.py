"""Errors signing raises across the bus (their module path is part of the wire contract)."""

from services.common.errors import KluisError


class NotAPdf(KluisError):
    """Only a PDF (readable, not password-protected) can be offered for signature."""

    code = "not_a_pdf"


class NameMismatch(KluisError):
    """The typed name is not the signer's name (case and spacing aside)."""

    code = "name_mismatch"


class AgreementRequired(KluisError):
    """The signer did not tick their agreement."""

    code = "agreement_required"


class AlreadySigned(KluisError):
    code = "already_signed"


class SigningRequestClosed(KluisError):
    """Expired or withdrawn: it can no longer be signed."""

    code = "signing_request_closed"


class SigningInProgress(KluisError):
    """A signature for this request is being made right now."""

    code = "conflict"


class DocumentChanged(KluisError):
    """The bytes in the dossier are no longer those that were offered."""

    code = "document_changed"


class PdfTooComplex(KluisError):
    """A file to verify beyond the budget (signature fields, objects, time or memory):
    details {"max_fields", "max_objects", "timeout_s"}."""

    code = "pdf_too_complex"


class RateLimited(KluisError):
    """details: {"retry_after_s": n}"""

    code = "rate_limited"
