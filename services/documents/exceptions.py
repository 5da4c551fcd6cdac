"""Errors documents raises across the bus and from its blob endpoint (their module
path is part of the wire contract; the gateway maps their codes to HTTP statuses)."""

from services.common.errors import KluisError


class FileTooLarge(KluisError):
    """More bytes than MAX_UPLOAD_BYTES. details: {"max_bytes": n}"""

    code = "file_too_large"


class UnsupportedFileType(KluisError):
    """The content is none of PDF, JPEG, PNG, HEIC, DOCX, XLSX, plain text (or empty)."""

    code = "unsupported_media_type"


class PdfEncrypted(KluisError):
    """A password-protected PDF: lenders refuse them, so Kluis does too."""

    code = "pdf_encrypted"


class VirusFound(KluisError):
    """clamd found malware in the file. Nothing was kept."""

    code = "virus_found"


class ScanFailed(KluisError):
    """Scanning is configured but could not complete: the file is not accepted
    (failing closed)."""

    code = "scan_failed"


class BlobDamaged(KluisError):
    """A stored blob failed its integrity check on read (a changed or missing byte)."""

    code = "blob_damaged"


class BlobShredded(KluisError):
    """The blob's client key was destroyed when the retention of the client's records
    ended (crypto-shredding): its bytes are still stored but can never be decrypted."""

    code = "blob_shredded"


class UploadExpired(KluisError):
    """The upload ticket is unknown, used or past its time."""

    code = "upload_expired"


class RequestClosed(KluisError):
    """The document request was approved: no more uploads."""

    code = "request_closed"


class NothingToReview(KluisError):
    """Only an uploaded request can be reviewed."""

    code = "request_not_uploaded"


class DocumentSigned(KluisError):
    """A signed document (or the original it was signed from) cannot change."""

    code = "document_signed"


class VisibilityFixed(KluisError):
    """What a client delivered stays visible to them: its visibility cannot change."""

    code = "visibility_fixed"


class TooManyUploads(KluisError):
    """The caller already has MAX_OPEN_UPLOADS transfers under way: each holds one of the
    service's workers, so one account may not take them all. details: {retry_after_s}"""

    code = "rate_limited"


class ExportGone(KluisError):
    """The client's export was downloaded already (once only) or has expired: its file
    is gone. A new one can be asked for (POST /me/export)."""

    code = "export_gone"
    http_status = 410


class ExportTooSoon(KluisError):
    """A client asks for an export of their data at most once per EXPORT_MIN_INTERVAL_S.
    details: {"retry_after_s": n}"""

    code = "rate_limited"


class HdnMessageInvalid(KluisError):
    """An HDN DA message that is not well-formed, not safe (a DTD or entity), or lacks
    or misfills an element. details: {"element": name, "line": n|None}"""

    code = "hdn_message_invalid"


class HdnVersionUnsupported(KluisError):
    """The DA message's version is not one Kluis reads. details: {"element": name}"""

    code = "hdn_version_unsupported"


class HdnApplicationMismatch(KluisError):
    """The DA names another application (AanvraagVolgNr) than the dossier's, or one that
    belongs to another dossier. details: {"element": "AanvraagVolgNr"}"""

    code = "hdn_application_mismatch"
