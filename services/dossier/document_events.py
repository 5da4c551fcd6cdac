"""documents' events, as dossier takes them through its inbox: each one is written to
the audit trail (who, and when it happened); uploads, visibility changes and downloads
keep the read model of the counts per tab (document_facts.py); an upload for a request
opens a review task and the review closes it; the client hears by e-mail of a new
document and of a delivery the office rejected. Envelope: {event_id, event_type,
occurred_at, actor, ...}; each handler checks it against documents' declaration
(services/documents/events.py) before it reads it."""

from functools import partial

from services.common.context import Principal
from services.documents.events import (
    DocumentDownloaded,
    DocumentPublished,
    DocumentUploaded,
    DocumentVisibilityChanged,
    ExportDownloaded,
    RequestCreated,
    RequestReviewed,
    RequestsUpdatedByLender,
)

from . import audit, document_facts, tasks
from .client_news import notify_client

DECISIONS = {"approve": "request_approved", "reject": "request_rejected"}


def handlers(public_url):
    """-> {inbox source: handler(uow, event)}; `public_url` is the portal's base URL,
    the link in the e-mails."""
    return {
        "documents.document_uploaded": document_uploaded,
        "documents.document_published": partial(document_published, public_url=public_url),
        "documents.document_visibility_changed": visibility_changed,
        "documents.document_downloaded": document_downloaded,
        "documents.request_created": request_created,
        "documents.request_reviewed": partial(request_reviewed, public_url=public_url),
        "documents.export_downloaded": export_downloaded,
        "documents.requests_updated_by_lender": partial(
            requests_updated_by_lender, public_url=public_url
        ),
    }


def document_uploaded(uow, event):
    """{document_id, dossier_id, client_id, request_id|None, category, public, ...}"""
    event = DocumentUploaded.load(event)
    audit.record_event(uow, event, "document_uploaded", "document", event["document_id"])
    document_facts.document_uploaded(uow, event)
    tasks.open_review(uow, event)


def document_published(uow, event, public_url):
    """{document_id, dossier_id, client_id, title}: the client sees it now. News for
    the client's portal accounts (notify applies their `new_documents` preference)."""
    event = DocumentPublished.load(event)
    notify_client(uow, event, "new_document", {"title": event["title"]}, public_url)


def visibility_changed(uow, event):
    """{document_id, dossier_id, client_id, public, category, uploaded_by, ...}"""
    event = DocumentVisibilityChanged.load(event)
    action = "document_shown" if event["public"] else "document_hidden"
    audit.record_event(uow, event, action, "document", event["document_id"])
    document_facts.visibility_changed(uow, event)


def document_downloaded(uow, event):
    """{document_id, dossier_id, client_id, actor, looked_along_by, ...}"""
    event = DocumentDownloaded.load(event)
    audit.record_event(uow, event, "document_downloaded", "document", event["document_id"])
    document_facts.document_downloaded(uow, event)


def request_created(uow, event):
    event = RequestCreated.load(event)
    audit.record_event(uow, event, "request_created", "request", event["request_id"])


def request_reviewed(uow, event, public_url):
    """{request_id, dossier_id, client_id, title, deliver_by, decision, reason, ...}: its
    review tasks are done; a rejected delivery that was the client's to make goes back
    to the client by e-mail."""
    event = RequestReviewed.load(event)
    audit.record_event(uow, event, DECISIONS[event["decision"]], "request", event["request_id"])
    tasks.close_reviewed(uow, event)
    if event["decision"] == "reject" and event["deliver_by"] == "client":
        notify_client(
            uow,
            event,
            "request_rejected",
            {"title": event["title"], "reason": event.get("reason") or ""},
            public_url,
        )


def export_downloaded(uow, event):
    """{export_id, account_id}: the client downloaded the export of their own data; in
    their own trail (GET /me/audit, as its actor), never in a dossier's."""
    event = ExportDownloaded.load(event)
    client = Principal(account_id=event["account_id"], kind="client")
    at = audit.occurred_at(event)
    audit.record(uow, client, "export_downloaded", None, "export", event["export_id"], at=at)


def requests_updated_by_lender(uow, event, public_url):
    """{request_ids, dossier_id, client_id, changes: [{title, lender_status, status,
    informational}], ...}: an HDN document request added or changed items the client
    sees; the client hears what changed in one e-mail."""
    event = RequestsUpdatedByLender.load(event)
    for request_id in event["request_ids"]:
        audit.record_event(uow, event, "requests_updated_by_lender", "request", request_id)
    changes = [
        {"title": c["title"], "status": c["lender_status"], "informational": c["informational"]}
        for c in event["changes"]
    ]
    notify_client(uow, event, "requests_updated", {"changes": changes}, public_url)
