"""Errors notify raises across the bus (their module path is part of the wire contract)."""

from services.common.errors import KluisError


class WebhookUrlNotHttps(KluisError):
    """A webhook URL that is not a plain https://host[:port]/path URL."""

    code = "webhook_url_not_https"


class WebhookAddressForbidden(KluisError):
    """A webhook host that is (or resolves to) a private, loopback, link-local,
    multicast or reserved address."""

    code = "webhook_address_forbidden"


class UnknownWebhookEvent(KluisError):
    """details: {"events": [the names that are not webhook events]}"""

    code = "unknown_webhook_event"


class TooManyWebhooks(KluisError):
    code = "too_many_webhooks"
