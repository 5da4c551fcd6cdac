"""documents' events, as dossier takes them through its inbox: each one is written to
the audit trail (who, and when it happened); an upload for a request opens a review
task and the review closes it; the client hears by e-mail of a new document and of a
delivery the office rejected. Envelope: {event_id, event_type, occurred_at, actor, ...}."""
from functools import partial

from sqlalchemy import select

from . import audit, tasks
from .models import Client, Dossier, Office

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
    }


def document_uploaded(uow, event):
    """{document_id, dossier_id, client_id, request_id|None, category, ...}"""
    audit.record_event(uow, event, "document_uploaded", "document", event["document_id"])
    tasks.open_review(uow, event)


def document_published(uow, event, public_url):
    """{document_id, dossier_id, client_id, title}: the client sees it now. News for
    the client's portal accounts (notify applies their `new_documents` preference)."""
    notify_client(uow, event, "new_document", {"title": event["title"]}, public_url)


def visibility_changed(uow, event):
    """{document_id, dossier_id, client_id, public, ...}"""
    action = "document_shown" if event["public"] else "document_hidden"
    audit.record_event(uow, event, action, "document", event["document_id"])


def document_downloaded(uow, event):
    audit.record_event(uow, event, "document_downloaded", "document", event["document_id"])


def request_created(uow, event):
    audit.record_event(uow, event, "request_created", "request", event["request_id"])


def request_reviewed(uow, event, public_url):
    """{request_id, dossier_id, client_id, title, deliver_by, decision, reason, ...}: its
    review tasks are done; a rejected delivery that was the client's to make goes back
    to the client by e-mail."""
    audit.record_event(uow, event, DECISIONS[event["decision"]], "request",
                       event["request_id"])
    tasks.close_reviewed(uow, event)
    if event["decision"] == "reject" and event["deliver_by"] == "client":
        notify_client(uow, event, "request_rejected",
                      {"title": event["title"], "reason": event.get("reason") or ""},
                      public_url)


def notify_client(uow, event, template, data, public_url):
    """One e-mail per activated portal account of the dossier's client, in its language;
    `account_id` lets notify apply that account's preferences."""
    client = uow.session.get(Client, event["client_id"])
    dossier = uow.session.get(Dossier, event["dossier_id"])
    if client is None or dossier is None:
        raise LookupError(f"{event.get('event_type')} for an unknown client or dossier")
    office = uow.session.get(Office, dossier.office_id)
    for person in portal_accounts(uow, client):
        uow.send("notify", "send_notification", template=template, language=person.language,
                 to={"email": person.email}, account_id=person.account_id,
                 data={"name": person.name, "office": office.name,
                       "dossier_number": dossier.number, "portal_url": public_url, **data})


def portal_accounts(uow, client):
    """The client's activated portal accounts: its own and, for a company, those of its
    extra accounts (who see the company's dossiers). Without one nobody could act on
    the news, so nobody gets it."""
    people = [client] + list(uow.session.scalars(
        select(Client).where(Client.parent_id == client.id).order_by(Client.name, Client.id)))
    return [p for p in people if p.account_id and p.invitation_status == "accepted"]
