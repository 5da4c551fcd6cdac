"""The one table from error code to HTTP status, and the registration that makes a
service's exception come back over RPC as its own class (see services/common/errors.py)."""

from services.common.errors import EXCEPTION_MODULES, KluisError, register_remote_errors

__all__ = ["EXCEPTION_MODULES", "STATUS_BY_CODE", "register_remote_errors", "status_for"]

STATUS_BY_CODE = {
    "validation_error": 400,
    "invalid_token": 400,
    "unauthenticated": 401,
    "session_expired": 401,
    "invalid_credentials": 401,
    "invalid_code": 401,
    "invalid_signature": 401,
    "forbidden": 403,
    "read_only_session": 403,
    "not_found": 404,
    "method_not_allowed": 405,
    "request_timeout": 408,
    "conflict": 409,
    "partner_id_taken": 409,
    "email_in_use": 409,
    "already_member": 409,
    "last_owner": 409,
    "wrong_state": 409,
    "client_exists": 409,
    "contact_locked": 409,
    "invitation_already_accepted": 409,
    "dossier_number_taken": 409,
    "not_invited": 409,
    "upload_expired": 409,
    "request_closed": 409,
    "request_not_uploaded": 409,
    "visibility_fixed": 409,
    "document_signed": 409,
    "signer_has_no_account": 409,
    "already_signed": 409,
    "signing_request_closed": 409,
    "document_changed": 409,
    "questionnaire_completed": 409,
    "token_expired": 410,
    "token_used": 410,
    "login_refused": 410,
    "blob_shredded": 410,
    "request_too_large": 413,
    "file_too_large": 413,
    "unsupported_media_type": 415,
    "weak_password": 422,
    "wrong_password": 422,
    "questionnaire_incomplete": 422,
    "questionnaire_too_large": 422,
    "pdf_too_complex": 422,
    "pdf_encrypted": 422,
    "not_a_pdf": 422,
    "invalid_signer": 422,
    "name_mismatch": 422,
    "agreement_required": 422,
    "virus_found": 422,
    "role_address_not_allowed": 422,
    "invalid_mobile": 422,
    "company_required": 422,
    "unknown_combination": 422,
    "registration_locked": 423,
    "client_version_unsupported": 426,
    "rate_limited": 429,
    "too_many_connections": 429,
    "internal_error": 500,
    "blob_damaged": 500,
    "service_unavailable": 503,
    "scan_failed": 503,
    "uploads_busy": 503,
    "service_timeout": 504,
}


def status_for(error):
    """An error class may name its own status where one code has two meanings in
    docs/api.md (invalid_code: 401 at sign-in, 422 in a registration)."""
    status = getattr(error, "http_status", None)
    return status or STATUS_BY_CODE.get(error.code, 422 if isinstance(error, KluisError) else 500)
