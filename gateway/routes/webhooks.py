"""Webhooks out (notify): an office's owner registers HTTPS endpoints for events, sees
each one's delivery log and sends a delivery again (docs/integrations.md)."""

from ..http import json_response, route
from ..schemas import WebhookBody, WebhookCreated, WebhookDeliveryOut, WebhookList


@route(
    "POST",
    "/offices/<office_id>/webhooks",
    body=WebhookBody,
    tag="integrations",
    responses={
        201: ("registered; `secret` shown this once", WebhookCreated),
        409: ("too_many_webhooks", None),
        422: ("webhook_url_not_https | webhook_address_forbidden | unknown_webhook_event", None),
    },
)
def create_webhook(call, office_id):
    """Owner: an HTTPS endpoint that receives the office's events, signed with the
    secret in this answer (docs/integrations.md). The owner is told by e-mail when it
    is paused after a day of failed deliveries."""
    if call.principal.is_api_key:  # the owner who made the key is told
        me = call.services.identity.api_key_owner()
    else:
        me = call.services.identity.describe_me()
    owner = {"email": me["email"], "language": me["language"], "name": me["name"]}
    return 201, call.services.notify.create_webhook(office_id, owner=owner, **call.body)


@route(
    "GET",
    "/offices/<office_id>/webhooks",
    tag="integrations",
    responses={200: ("each endpoint with its 50 newest deliveries", WebhookList)},
)
def list_webhooks(call, office_id):
    """Owner: the office's endpoints, each with its delivery log, newest first."""
    return 200, call.services.notify.list_webhooks(office_id)


@route(
    "DELETE",
    "/offices/<office_id>/webhooks/<webhook_id>",
    tag="integrations",
    responses={204: ("removed, with its log; nothing more is sent to it", None)},
)
def delete_webhook(call, office_id, webhook_id):
    """Owner: the endpoint receives nothing more."""
    call.services.notify.delete_webhook(office_id, webhook_id)
    return json_response(204)


@route(
    "POST",
    "/offices/<office_id>/webhooks/<webhook_id>/deliveries/<delivery_id>/redeliver",
    tag="integrations",
    responses={202: ("sent again shortly; a paused endpoint is active again", WebhookDeliveryOut)},
)
def redeliver(call, office_id, webhook_id, delivery_id):
    """Owner: sends the delivery again now, with the same event id and body (a new
    timestamp and signature), retried for another day. On a paused endpoint this
    resumes it: the deliveries that waited go too."""
    return 202, call.services.notify.redeliver_webhook(office_id, webhook_id, delivery_id)
