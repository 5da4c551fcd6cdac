"""Webhooks out (routes/webhooks.py)."""

from marshmallow import Schema, fields, validate

EVENT_NAMES = (
    "document_uploaded, request_reviewed, document_signed, message_posted, "
    "questionnaire_completed, client_invited, invitation_accepted, consent_changed"
)


class WebhookBody(Schema):
    url = fields.String(
        required=True,
        validate=validate.Length(min=1, max=2048),
        metadata={"description": "https only; no private, loopback or link-local address"},
    )
    events = fields.List(
        fields.String(validate=validate.Length(min=1, max=50)),
        required=True,
        validate=validate.Length(min=1, max=8),
        metadata={"description": f"some of: {EVENT_NAMES}"},
    )


class WebhookOut(Schema):
    id = fields.String()
    url = fields.String()
    events = fields.List(fields.String())
    status = fields.String(metadata={"description": "active | paused"})
    created_at = fields.String()
    paused_at = fields.String(allow_none=True)


class WebhookCreated(WebhookOut):
    secret = fields.String(metadata={"description": "shown this once: signs every delivery"})


class WebhookDeliveryOut(Schema):
    id = fields.String()
    event_id = fields.String(metadata={"description": "Kluis-Webhook-Id: dedupe on it"})
    event_type = fields.String()
    status = fields.String(metadata={"description": "pending | sending | delivered | failed"})
    attempts = fields.Integer()
    last_status_code = fields.Integer(allow_none=True)
    last_error = fields.String(allow_none=True)
    last_attempt_at = fields.String(allow_none=True)
    next_attempt_at = fields.String(allow_none=True)
    delivered_at = fields.String(allow_none=True)
    created_at = fields.String()


class WebhookWithLog(WebhookOut):
    deliveries = fields.List(fields.Nested(WebhookDeliveryOut))


class WebhookList(Schema):
    items = fields.List(fields.Nested(WebhookWithLog), required=True)
    next_cursor = fields.String(allow_none=True, required=True)


__all__ = [
    "WebhookBody",
    "WebhookOut",
    "WebhookCreated",
    "WebhookDeliveryOut",
    "WebhookWithLog",
    "WebhookList",
]
