"""Webhooks out: an office's owner registers HTTPS endpoints for some of EVENTS; each
such event of that office becomes one delivery per endpoint (webhook_delivery.py sends
them). Authorized here: only an owner of the office, or the office system's API key with
the scope webhooks:manage, sees or changes its webhooks; anyone else gets NotFound."""

import json

from marshmallow import Schema, fields, validate
from sqlalchemy import select, update

from services.common.db import new_id, utcnow
from services.common.errors import NotFound
from services.common.schemas import load
from services.documents.events import DocumentUploaded, RequestReviewed
from services.dossier.events import (
    ClientInvited,
    ConsentChanged,
    InvitationAccepted,
    MessagePosted,
    QuestionnaireCompleted,
)
from services.signing.events import DocumentSigned

from . import webhook_guard
from .exceptions import TooManyWebhooks, UnknownWebhookEvent
from .models import Webhook, WebhookDelivery
from .webhook_signing import new_secret

# webhook event -> (its bus event, the ids it passes on in `data`)
EVENTS = {
    "document_uploaded": (
        DocumentUploaded,
        ("document_id", "dossier_id", "client_id", "request_id"),
    ),
    "request_reviewed": (RequestReviewed, ("request_id", "dossier_id", "client_id")),
    "document_signed": (
        DocumentSigned,
        ("signing_request_id", "document_id", "signed_document_id", "dossier_id"),
    ),
    "message_posted": (MessagePosted, ("message_id", "thread_id", "dossier_id", "client_id")),
    "questionnaire_completed": (
        QuestionnaireCompleted,
        ("questionnaire_id", "dossier_id", "client_id", "document_id"),
    ),
    "client_invited": (ClientInvited, ("client_id",)),
    "invitation_accepted": (InvitationAccepted, ("client_id", "account_id")),
    "consent_changed": (ConsentChanged, ("account_id",)),
}
SOURCES = {
    "document_uploaded": "documents",
    "request_reviewed": "documents",
    "document_signed": "signing",
}  # the others are dossier's
MAX_PER_OFFICE = 10
LOG_LENGTH = 50  # deliveries shown per endpoint, newest first


def source_of(event_name):
    return SOURCES.get(event_name, "dossier")


def inbox_source(event):
    """The inbox's name of a bus event: `<source service>.<event type>`."""
    return f"{source_of(event.get('event_type'))}.{event.get('event_type')}"


def inbox_handlers():
    """The Store's handlers: every bus event behind EVENTS goes to record_event."""
    return {f"{source_of(name)}.{name}": record_event for name in EVENTS}


class WebhookBody(Schema):
    url = fields.String(required=True, validate=validate.Length(1, webhook_guard.MAX_URL_LENGTH))
    events = fields.List(
        fields.String(validate=validate.Length(1, 50)),
        required=True,
        validate=validate.Length(1, len(EVENTS)),
    )


class OwnerContact(Schema):
    """The registering owner, as the gateway read it from identity (describe_me)."""

    email = fields.Email(required=True, validate=validate.Length(max=254))
    language = fields.String(load_default="nl", validate=validate.OneOf(("nl", "en")))
    name = fields.String(load_default="", validate=validate.Length(max=200))


def _require_owner(principal, office_id):
    """An owner of the office, or its system's API key with the scope webhooks:manage."""
    if principal.is_api_key and office_id in principal.offices:
        principal.require_scope("webhooks:manage")
        return
    if principal.kind != "staff" or principal.offices.get(office_id) != "owner":
        raise NotFound()


def register(uow, box, principal, office_id, body, owner, allow_loopback=False):
    """-> {id, secret, url, events, status, created_at}: the secret this once.
    `owner`: {email, language, name} of the registering owner (told when it is paused)."""
    _require_owner(principal, office_id)
    body = load(WebhookBody(), body)
    owner = load(OwnerContact(), owner)
    unknown = sorted(set(body["events"]) - set(EVENTS))
    if unknown:
        raise UnknownWebhookEvent({"events": unknown})
    webhook_guard.check_registration(body["url"], allow_loopback)
    if len(_webhooks_of(uow, office_id)) >= MAX_PER_OFFICE:
        raise TooManyWebhooks()
    webhook_id, secret = new_id(), new_secret()
    webhook = Webhook(
        id=webhook_id,
        office_id=office_id,
        url=body["url"],
        events=" ".join(e for e in EVENTS if e in body["events"]),
        secret=box.seal(secret, webhook_id),
        status="active",
        owner_account_id=principal.account_id,
        owner_email=owner["email"],
        owner_name=owner["name"] or "",
        owner_language=owner["language"],
        created_at=utcnow(),
    )
    uow.session.add(webhook)
    return {**_describe(webhook), "secret": secret}


def list_for(uow, principal, office_id):
    """-> {items: [each endpoint with `deliveries`, its log: the LOG_LENGTH newest]}."""
    _require_owner(principal, office_id)
    items = []
    for webhook in _webhooks_of(uow, office_id):
        deliveries = uow.session.scalars(
            select(WebhookDelivery)
            .where(WebhookDelivery.webhook_id == webhook.id)
            .order_by(WebhookDelivery.created_at.desc(), WebhookDelivery.id.desc())
            .limit(LOG_LENGTH)
        ).all()
        items.append({**_describe(webhook), "deliveries": [_delivery(d) for d in deliveries]})
    return {"items": items, "next_cursor": None}


def remove(uow, principal, office_id, webhook_id):
    uow.session.delete(_webhook(uow, principal, office_id, webhook_id))


def redeliver(uow, principal, office_id, webhook_id, delivery_id):
    """Sends the delivery again now, with a new retry window; a paused endpoint becomes
    active, and its other waiting deliveries go again too. -> the delivery."""
    webhook = _webhook(uow, principal, office_id, webhook_id)
    delivery = uow.session.get(WebhookDelivery, delivery_id)
    if delivery is None or delivery.webhook_id != webhook.id:
        raise NotFound()
    now = utcnow()
    if webhook.status == "paused":
        webhook.status, webhook.paused_at = "active", None
        uow.session.execute(
            update(WebhookDelivery)
            .where(WebhookDelivery.webhook_id == webhook.id, WebhookDelivery.status == "pending")
            .values(next_attempt_at=now, window_started_at=now, updated_at=now)
        )
    if delivery.status != "sending":
        delivery.status, delivery.next_attempt_at = "pending", now
        delivery.window_started_at = delivery.updated_at = now
    return _delivery(delivery)


def record_event(uow, message):
    """Inbox handler of each bus event behind EVENTS: one delivery for every endpoint of
    the event's office that asked for it (a paused one too: it waits for a redelivery)."""
    name = message["event_type"]
    declaration, ids = EVENTS[name]
    event = declaration.load(message)
    body = json.dumps(
        {
            "id": event["event_id"],
            "type": name,
            "occurred_at": event["occurred_at"],
            "office_id": event["office_id"],
            "data": {key: event.get(key) for key in ids},
        },
        separators=(",", ":"),
    )
    now = utcnow()
    for webhook in _webhooks_of(uow, event["office_id"]):
        if name in webhook.events.split():
            uow.session.add(
                WebhookDelivery(
                    id=new_id(),
                    webhook_id=webhook.id,
                    event_id=event["event_id"],
                    event_type=name,
                    body=body,
                    status="pending",
                    attempts=0,
                    next_attempt_at=now,
                    window_started_at=now,
                    created_at=now,
                    updated_at=now,
                )
            )


def _webhooks_of(uow, office_id):
    return uow.session.scalars(
        select(Webhook).where(Webhook.office_id == office_id).order_by(Webhook.created_at)
    ).all()


def _webhook(uow, principal, office_id, webhook_id):
    _require_owner(principal, office_id)
    webhook = uow.session.get(Webhook, webhook_id)
    if webhook is None or webhook.office_id != office_id:
        raise NotFound()
    return webhook


def _iso(value):
    return value.isoformat() if value else None


def _describe(webhook):
    return {
        "id": webhook.id,
        "url": webhook.url,
        "events": webhook.events.split(),
        "status": webhook.status,
        "created_at": _iso(webhook.created_at),
        "paused_at": _iso(webhook.paused_at),
    }


def _delivery(delivery):
    return {
        "id": delivery.id,
        "event_id": delivery.event_id,
        "event_type": delivery.event_type,
        "status": delivery.status,
        "attempts": delivery.attempts,
        "last_status_code": delivery.last_status_code,
        "last_error": delivery.last_error,
        "last_attempt_at": _iso(delivery.last_attempt_at),
        "next_attempt_at": _iso(delivery.next_attempt_at) if delivery.status == "pending" else None,
        "delivered_at": _iso(delivery.delivered_at),
        "created_at": _iso(delivery.created_at),
    }
