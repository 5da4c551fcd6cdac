"""notify: e-mail and SMS. Other services send it the `send_notification` command
through their outbox; it persists each notification before sending and retries
temporary failures with a bounded backoff."""

import logging

import eventlet
from nameko.events import event_handler
from nameko.messaging import consume
from nameko.timer import timer

from services.common import metrics
from services.common.schemas import load
from services.common.service import ServiceBase, rpc
from services.common.settings_dependency import Settings
from services.common.store import Store
from services.common.unit_of_work import command_queue

from . import erasure, preferences, use_cases, webhook_delivery, webhooks
from .dependencies import ProvidersProvider
from .models import metadata
from .schemas import PreferenceChanges
from .settings import NotifySettings

log = logging.getLogger(__name__)


class NotifyService(ServiceBase):
    name = "notify"
    store = Store(
        metadata,
        handlers={
            "notify.send_notification": use_cases.record_notification,
            "notify.forget_recipients": erasure.forget_recipients,
            "identity.account_language_changed": preferences.record_language,
            **webhooks.inbox_handlers(),
        },
    )
    providers = ProvidersProvider()
    settings = Settings(NotifySettings)
    hooks = webhook_delivery.WebhooksProvider()  # secrets' box, sender, settings

    @consume(command_queue("notify"), requeue_on_error=True)
    def handle_command(self, message):
        """Commands on `notify.commands`: recorded (once per message id), then sent."""
        try:
            self.store.accept(f"notify.{message.get('command')}", message)
        except Exception:
            eventlet.sleep(1)  # could not even record it: back to the queue, not lost
            raise

    @event_handler("identity", "account_language_changed", requeue_on_error=True)
    def handle_account_language_changed(self, event):
        """The account chose another language: every later message to it is in that one."""
        try:
            self.store.accept("identity.account_language_changed", event)
        except Exception:
            eventlet.sleep(1)  # could not even record it: back to the queue, not lost
            raise

    @timer(interval=0.25)
    def deliver_due(self):
        """Sends every due notification: new ones and retries whose time has come.
        nameko runs the next tick only after this one finished: one delivery at a time."""
        with self.store.unit_of_work() as uow:
            due = use_cases.due_notifications(uow, self.settings.stale_sending_s)
        for notification_id in due:
            with self.store.unit_of_work() as uow:
                notification = use_cases.claim(uow, notification_id)
            if notification is None:
                continue
            failure = use_cases.send(notification, self.providers.email, self.providers.sms)
            metrics.NOTIFICATIONS.labels(
                notification.channel, failure.status if failure else "delivered"
            ).inc()
            if failure is not None:
                log.warning(
                    "notification %s (%s) failed: %s %s",
                    notification.id,
                    notification.template,
                    failure.status,
                    failure.reason,
                )
            with self.store.unit_of_work() as uow:
                use_cases.record_outcome(uow, notification_id, failure)

    @rpc
    def list_notifications(self, status=None, limit=50, cursor=None):
        """Admin only: the delivery log, optionally by status. -> {items, next_cursor}: a
        page, newest first."""
        self.caller.require("admin")
        with self.store.unit_of_work() as uow:
            return use_cases.delivery_log(uow, self.paging, status, limit, cursor)

    @rpc
    def get_my_preferences(self):
        """Client: {new_documents, questionnaires, messages} (default all true)."""
        principal = self.caller.require("client")
        with self.store.unit_of_work() as uow:
            return preferences.preferences_of(uow, principal.account_id)

    @rpc
    def set_my_preferences(self, changes):
        """Client: {topic: bool} for some of the topics -> all of them now.
        ValidationFailed: a value that is not a boolean, a field that is not a topic."""
        principal = self.caller.require("client", write=True)
        changes = load(PreferenceChanges(), changes)
        with self.store.unit_of_work() as uow:
            return preferences.set_preferences(uow, principal.account_id, changes)

    # -- webhooks out (webhooks.py, webhook_delivery.py) ----------------------------------
    @webhook_delivery.on_webhook_events
    def handle_webhook_event(self, event):
        """An event an office's webhooks may ask for: a delivery for each that does."""
        try:
            self.store.accept(webhooks.inbox_source(event), event)
        except Exception:
            eventlet.sleep(1)  # could not even record it: back to the queue, not lost
            raise

    @timer(interval=0.25)
    def deliver_webhooks(self):
        """Sends the due webhook deliveries (one instance at a time: a lease)."""
        webhook_delivery.deliver_due(self.store, self.hooks)

    @rpc
    def create_webhook(self, office_id, url, events, owner):
        """Owner of the office: {id, secret, url, events, status, created_at}, the
        secret shown this once. `owner`: their {email, language, name}, told when it pauses.
        NotFound, ValidationFailed, WebhookUrlNotHttps, WebhookAddressForbidden,
        UnknownWebhookEvent, TooManyWebhooks."""
        principal = self.caller.require("staff", write=True)
        body = {"url": url, "events": events}
        with self.store.unit_of_work() as uow:
            return webhooks.register(
                uow,
                self.hooks.box,
                principal,
                office_id,
                body,
                owner,
                self.hooks.allow_loopback,
            )

    @rpc
    def list_webhooks(self, office_id):
        """Owner of the office: {items: [webhook with its `deliveries` log]}."""
        principal = self.caller.require("staff")
        with self.store.unit_of_work() as uow:
            return webhooks.list_for(uow, principal, office_id)

    @rpc
    def delete_webhook(self, office_id, webhook_id):
        """Owner of the office: the endpoint and its log go. NotFound."""
        principal = self.caller.require("staff", write=True)
        with self.store.unit_of_work() as uow:
            webhooks.remove(uow, principal, office_id, webhook_id)

    @rpc
    def redeliver_webhook(self, office_id, webhook_id, delivery_id):
        """Owner of the office: sends the delivery again now (and resumes a paused
        endpoint). -> the delivery. NotFound."""
        principal = self.caller.require("staff", write=True)
        with self.store.unit_of_work() as uow:
            return webhooks.redeliver(uow, principal, office_id, webhook_id, delivery_id)
