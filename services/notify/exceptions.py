"""notify's errors. The webhook ones cross the bus (their module path is part of the wire
contract: services/common/errors.py EXCEPTION_MODULES). DeliveryFailed and UnknownTemplate
never do: a failed delivery is recorded on the notification (its status), an unknown
template parks the command that named it."""

from services.common.errors import KluisError


class DeliveryFailed(Exception):
    """A provider did not take a message (delivery.py); `status` is the one the
    notification gets."""

    def __init__(self, status, reason):
        super().__init__(status, reason)
        self.status = status  # temporary-failure | permanent-failure | technical-failure
        self.reason = reason


class UnknownTemplate(Exception):
    """No template of that name, or not in that language (templates.py)."""


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
