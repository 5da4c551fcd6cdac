"""Delivering webhooks: a timer tick takes the due deliveries, one at a time, under
the lease `notify.webhooks` (one instance at a time), each claimed in its own short
transaction (pending -> sending) before the POST and its outcome recorded right after.
At least once: a notify killed mid-POST leaves the row `sending`; after
`WEBHOOK_STALE_SENDING_S` it is pending again and sent again (the receiver dedupes on
`Kluis-Webhook-Id`, the event id).

A failure (no 2xx, a timeout, a refused address) is retried with exponential backoff
(WEBHOOK_RETRY_BASE_S doubling, at most WEBHOOK_RETRY_MAX_S apart) until
WEBHOOK_RETRY_WINDOW_S (a day) after the delivery's window started; then the delivery
is `failed`, the endpoint paused, and the owner who registered it told by e-mail."""

import json
import logging
import time
from dataclasses import dataclass
from datetime import timedelta

import eventlet
from nameko.events import event_handler
from nameko.extensions import DependencyProvider
from sqlalchemy import select, update

from services.common.db import new_id, utcnow
from services.common.settings import read_settings, setting

from . import use_cases, webhooks
from .models import Webhook, WebhookDelivery
from .webhook_http import Outcome, Sender
from .webhook_signing import SecretBox, signature

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class WebhookSettings:
    """Webhook delivery's settings, read once (services/common/settings.py)."""

    retry_base_s: float = setting("WEBHOOK_RETRY_BASE_S", 30.0)
    retry_max_s: float = setting("WEBHOOK_RETRY_MAX_S", 3600.0)
    window_s: float = setting("WEBHOOK_RETRY_WINDOW_S", 86400.0, "then the endpoint pauses")
    connect_timeout_s: float = setting("WEBHOOK_CONNECT_TIMEOUT_S", 3.0)
    timeout_s: float = setting("WEBHOOK_TIMEOUT_S", 10.0)
    stale_sending_s: float = setting("WEBHOOK_STALE_SENDING_S", 60.0)
    allow_loopback: bool = setting("WEBHOOK_ALLOW_LOOPBACK", False, "tests only")
    ca_file: str | None = setting("WEBHOOK_CA_FILE", None)


class Webhooks:
    """What the entrypoints need: the secrets' box, the sender, the settings."""

    def __init__(self, config):
        self.settings = read_settings(WebhookSettings, config)
        self.allow_loopback = self.settings.allow_loopback
        self.box = SecretBox.from_config(config)
        self.sender = Sender(
            ca_file=self.settings.ca_file,
            allow_loopback=self.allow_loopback,
            connect_timeout=self.settings.connect_timeout_s,
            timeout=self.settings.timeout_s,
        )


class WebhooksProvider(DependencyProvider):
    def setup(self):
        self.webhooks = Webhooks(self.container.config)

    def get_dependency(self, worker_ctx):
        return self.webhooks


def on_webhook_events(method):
    """Makes `method` the handler of every bus event behind webhooks.EVENTS."""
    for name in webhooks.EVENTS:
        method = event_handler(webhooks.source_of(name), name, requeue_on_error=True)(method)
    return method


def deliver_due(store, hooks):
    """One round: every due delivery, one after the other, by the lease's holder (taken
    only when some are due: most ticks cost one indexed query)."""
    with store.unit_of_work() as uow:
        if not any_due(uow, hooks.settings.stale_sending_s):
            return
    with store.lease("webhooks") as held:
        if not held:
            return
        with store.unit_of_work() as uow:
            due = due_deliveries(uow, hooks.settings.stale_sending_s)
        for delivery_id in due:
            with store.unit_of_work() as uow:
                job = claim(uow, delivery_id, hooks.box)
            if job is None:
                continue
            outcome = send(hooks, *job)
            with store.unit_of_work() as uow:
                record_outcome(uow, delivery_id, outcome, hooks.settings)


def any_due(uow, stale_after_s):
    """A read: whether a round has work (a due delivery, or one left `sending`)."""
    now = utcnow()
    stale = now - timedelta(seconds=stale_after_s)
    return uow.session.scalar(
        select(WebhookDelivery.id)
        .where(
            (
                (WebhookDelivery.status == "pending")
                & (WebhookDelivery.next_attempt_at <= now)
                & WebhookDelivery.webhook_id.in_(_active())
            )
            | ((WebhookDelivery.status == "sending") & (WebhookDelivery.updated_at < stale))
        )
        .limit(1)
    )


def due_deliveries(uow, stale_after_s, limit=50):
    now = utcnow()
    uow.session.execute(
        update(WebhookDelivery)
        .where(
            WebhookDelivery.status == "sending",
            WebhookDelivery.updated_at < now - timedelta(seconds=stale_after_s),
        )
        .values(status="pending", updated_at=now, last_error="interrupted")
    )
    return uow.session.scalars(
        select(WebhookDelivery.id)
        .where(
            WebhookDelivery.status == "pending",
            WebhookDelivery.next_attempt_at <= now,
            WebhookDelivery.webhook_id.in_(_active()),
        )
        .order_by(WebhookDelivery.next_attempt_at)
        .limit(limit)
    ).all()


def _active():
    return select(Webhook.id).where(Webhook.status == "active").scalar_subquery()


def claim(uow, delivery_id, box):
    """-> (url, event_id, body, secret) of the delivery, now `sending`; None when it is
    no longer due (another instance, a paused or removed endpoint)."""
    now = utcnow()
    claimed = uow.session.execute(
        update(WebhookDelivery)
        .where(
            WebhookDelivery.id == delivery_id,
            WebhookDelivery.status == "pending",
            WebhookDelivery.next_attempt_at <= now,
            WebhookDelivery.webhook_id.in_(_active()),
        )
        .values(status="sending", attempts=WebhookDelivery.attempts + 1, updated_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    if not claimed:
        return None
    delivery = uow.session.get(WebhookDelivery, delivery_id)
    webhook = uow.session.get(Webhook, delivery.webhook_id)
    secret = box.open(webhook.secret, webhook.id)
    return webhook.url, delivery.event_id, delivery.body, secret


def send(hooks, url, event_id, body, secret):
    """The signed POST, bounded in time as a whole (connect, TLS, answer)."""
    raw = body.encode()
    timestamp = int(time.time())
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "Kluis-Webhooks/1",
        "Kluis-Webhook-Id": event_id,
        "Kluis-Webhook-Event": json.loads(body)["type"],
        "Kluis-Webhook-Timestamp": str(timestamp),
        "Kluis-Webhook-Signature": signature(secret, timestamp, raw),
    }
    limit = hooks.settings.connect_timeout_s + hooks.settings.timeout_s
    with eventlet.Timeout(limit, False):
        return hooks.sender.post(url, raw, headers)
    return Outcome(None, "timeout")


def record_outcome(uow, delivery_id, outcome, settings):
    delivery = uow.session.get(WebhookDelivery, delivery_id)
    now = utcnow()
    delivery.last_attempt_at = delivery.updated_at = now
    delivery.last_status_code, delivery.last_error = outcome.status_code, outcome.error
    if outcome.delivered:
        delivery.status, delivery.delivered_at = "delivered", now
        return
    window_ends = delivery.window_started_at + timedelta(seconds=settings.window_s)
    if now >= window_ends:
        delivery.status = "failed"
        _pause(uow, uow.session.get(Webhook, delivery.webhook_id), delivery)
        return
    delay = min(settings.retry_base_s * 2 ** (delivery.attempts - 1), settings.retry_max_s)
    delivery.status = "pending"
    delivery.next_attempt_at = min(now + timedelta(seconds=delay), window_ends)


def _pause(uow, webhook, delivery):
    """The endpoint stops receiving until the owner redelivers; they are told once."""
    if webhook is None or webhook.status == "paused":
        return
    webhook.status, webhook.paused_at = "paused", utcnow()
    log.warning("webhook %s paused after delivery %s kept failing", webhook.id, delivery.id)
    use_cases.record_notification(
        uow,
        {
            "message_id": new_id(),
            "command": "send_notification",
            "template": "webhook_paused",
            "language": webhook.owner_language,
            "to": {"email": webhook.owner_email},
            "data": {
                "name": webhook.owner_name,
                "url": webhook.url,
                "event_type": delivery.event_type,
                "error": delivery.last_error or "",
            },
            "account_id": webhook.owner_account_id,
        },
    )
