"""Documents and document requests (documents). Uploads and downloads stream through
gateway/uploads.py; everything else is one RPC."""

from ..http import json_response, paging, route
from ..schemas import (
    STORED_FILE,
    AttachmentOut,
    DeliveryForm,
    DocumentForm,
    DocumentOut,
    DocumentPatch,
    DocumentQuery,
    ItemList,
    RequestBody,
    RequestOut,
    RequestQuery,
    ReviewBody,
)
from ..uploads import receive_form, refuse_declared_oversize, send_file

UPLOAD_ERRORS = {
    413: ("file_too_large", None),
    415: ("unsupported_media_type", None),
    422: ("pdf_encrypted | virus_found", None),
    503: ("scan_failed", None),
}


@route(
    "POST",
    "/dossiers/<dossier_id>/documents",
    form=DocumentForm,
    tag="documents",
    changes_access=False,
    responses={201: ("stored, encrypted", DocumentOut), **UPLOAD_ERRORS},
)
def upload_document(call, dossier_id):
    """Staff: multipart `file`, `category` (document|correspondence), `public` (default
    false), `title`. The type is found from the content; a public document is
    announced to the client."""
    refuse_declared_oversize(call.request)
    grant = call.services.documents.begin_document_upload(dossier_id)
    fields, file_name = receive_form(call, grant, DocumentForm)
    return 201, call.services.documents.finish_upload(
        grant["upload_id"], file_name=file_name, **fields
    )


@route(
    "GET",
    "/dossiers/<dossier_id>/documents",
    query=DocumentQuery,
    tag="documents",
    responses={200: ("staff: all; client: public ones", ItemList)},
)
def list_documents(call, dossier_id):
    """Items carry `downloaded` for the caller."""
    return 200, call.services.documents.list_documents(
        dossier_id, category=call.query.get("category"), **paging(call)
    )


@route(
    "GET",
    "/documents/<document_id>/content",
    tag="documents",
    responses={200: ("the file's bytes, as an attachment (Content-Type: its own)", STORED_FILE)},
)
def download_document(call, document_id):
    """Marks the document downloaded for the caller."""
    return send_file(call, call.services.documents.open_download(document_id))


@route(
    "PATCH",
    "/documents/<document_id>",
    body=DocumentPatch,
    tag="documents",
    changes_access=False,
    responses={200: ("", DocumentOut), 409: ("visibility_fixed", None)},
)
def patch_document(call, document_id):
    """Staff: `public` shows or hides it in the client's portal at once."""
    return 200, call.services.documents.set_document_visibility(document_id, call.body["public"])


@route(
    "POST",
    "/dossiers/<dossier_id>/requests",
    body=RequestBody,
    tag="documents",
    changes_access=False,
    responses={201: ("open", RequestOut)},
)
def create_request(call, dossier_id):
    """Staff: an item for the dossier's checklist; `deliver_by` client or lender (never
    shown to the client)."""
    body = dict(call.body)
    body["due_date"] = body["due_date"].isoformat() if body["due_date"] else None
    return 201, call.services.documents.create_request(dossier_id, **body)


@route(
    "GET",
    "/dossiers/<dossier_id>/requests",
    query=RequestQuery,
    tag="documents",
    responses={200: ("staff: all; client: deliver_by client", ItemList)},
)
def list_requests(call, dossier_id):
    return 200, call.services.documents.list_requests(
        dossier_id, status=call.query.get("status"), **paging(call)
    )


@route(
    "POST",
    "/requests/<request_id>/uploads",
    form=DeliveryForm,
    tag="documents",
    changes_access=False,
    responses={
        201: ("delivered; the request is `uploaded`", DocumentOut),
        409: ("request_closed", None),
        **UPLOAD_ERRORS,
    },
)
def upload_for_request(call, request_id):
    """The client (or staff) for client items; the admin for lender items. The office
    gets a review task."""
    refuse_declared_oversize(call.request)
    grant = call.services.documents.begin_request_upload(request_id)
    _fields, file_name = receive_form(call, grant, DeliveryForm)
    return 201, call.services.documents.finish_upload(grant["upload_id"], file_name=file_name)


@route(
    "POST",
    "/requests/<request_id>/review",
    body=ReviewBody,
    tag="documents",
    changes_access=False,
    responses={200: ("reviewed", RequestOut), 409: ("request_not_uploaded", None)},
)
def review_request(call, request_id):
    """Staff: approve, or reject with a reason (the client is told by e-mail and sees
    the item among their actions again)."""
    return 200, call.services.documents.review_request(request_id, **call.body)


@route(
    "GET",
    "/lender-requests",
    query=RequestQuery,
    tag="documents",
    responses={200: ("admin: the items the lender delivers", ItemList)},
)
def lender_requests(call):
    """Oldest first."""
    return 200, call.services.documents.lender_requests(
        status=call.query.get("status"), **paging(call)
    )


@route(
    "POST",
    "/dossiers/<dossier_id>/attachments",
    form=DeliveryForm,
    tag="messages",
    changes_access=False,
    responses={201: ("stored; not yet sent", AttachmentOut), **UPLOAD_ERRORS},
)
def upload_attachment(call, dossier_id):
    """Client or staff: a file for a message still to be written (pass its id in
    `attachment_ids`). Removable until the message is sent."""
    refuse_declared_oversize(call.request)
    grant = call.services.documents.begin_attachment_upload(dossier_id)
    _fields, file_name = receive_form(call, grant, DeliveryForm)
    return 201, call.services.documents.keep_attachment(grant["upload_id"], file_name)


@route(
    "DELETE",
    "/attachments/<attachment_id>",
    changes_access=False,
    tag="messages",
    responses={204: ("removed", None)},
)
def remove_attachment(call, attachment_id):
    """The sender's own attachment, before its message was sent."""
    call.services.documents.remove_attachment(attachment_id)
    return json_response(204)
