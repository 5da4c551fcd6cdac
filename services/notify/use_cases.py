"""notify's use cases: record a requested notification, and deliver due ones.

Delivery is sequential (one timer worker at a time). It claims a row (status ->
sending) in its own short transaction before it talks to the provider, so that two
instances never send the same notification, and records the outcome right after. A
graceful stop lets the delivery in progress finish: nothing is sent twice. A notify
killed outright between the provider's acceptance and that record leaves one row in
`sending`, whose outcome nobody can know (SMTP has no way to ask); after
`STALE_SENDING_S` it is sent again rather than lost, with the same Message-ID, so that
the rare duplicate is recognisable."""

import logging
from datetime import timedelta

from sqlalchemy import case, select, update

from services.common.db import utcnow
from services.common.paging import desc

from . import preferences, templates
from .erasure import ERASED_RECIPIENT
from .events import NotificationFailed, NotificationSent, SendNotification
from .exceptions import DeliveryFailed
from .models import Notification

MAX_ATTEMPTS = 8
STALE_SENDING_S = 45  # default; longer than the SMTP timeout (30 s)
# Codes and links live ten minutes to an hour: retry them within seconds.
SECURITY_TEMPLATES = {
    "password_reset",
    "password_changed",
    "account_locked",
    "registration_code",
    "activation_password",
    "activation_code",
    "login_code",
}
CODE_TEMPLATES = {"registration_code", "activation_code", "login_code"}
RETRYABLE = ("created", "temporary-failure")
log = logging.getLogger(__name__)


def record_notification(uow, message):
    """Inbox handler of the `send_notification` command:
    {message_id, template, language, to: {email} | {mobile}, data, account_id?}.
    News the recipient turned off (`account_id` + preferences) is not sent; security
    messages always are. The account's own language, when notify knows it, wins over
    the one the sender gave."""
    message = SendNotification.load(message)
    topic = _turned_off(uow, message)
    if topic:
        log.info(
            "notification %s (%s) not sent: the recipient turned %s off",
            message["message_id"],
            message["template"],
            topic,
        )
        return
    language = _language(uow, message)
    to = message["to"]
    channel, recipient = ("email", to["email"]) if "email" in to else ("sms", to["mobile"])
    subject, body, html = _rendered(message, language, channel)
    now = utcnow()
    uow.session.add(
        Notification(
            id=message["message_id"],
            template=message["template"],
            channel=channel,
            recipient=recipient,
            language=language,
            subject=subject[:300],
            body=body,
            html=html,
            status="created",
            attempts=0,
            next_attempt_at=now,
            created_at=now,
            updated_at=now,
        )
    )


def _turned_off(uow, message):
    """The news topic of the message when its recipient turned that topic off, else None."""
    topic = preferences.TOPIC_OF_TEMPLATE.get(message["template"])
    account_id = message.get("account_id")
    if topic and account_id and not preferences.preferences_of(uow, account_id)[topic]:
        return topic
    return None


def _language(uow, message):
    """The account's own language when notify knows it, else the sender's, else nl."""
    language = preferences.language_of(uow, message.get("account_id")) or message.get("language")
    return language if language in templates.LANGUAGES else "nl"


def _rendered(message, language, channel):
    """-> (subject, text body, HTML body or None)."""
    data = templates.clean(message.get("data") or {})
    subject, body = templates.render(message["template"], language, data)
    # A code travels once in a message, as its only 6-digit number (docs/api.md): code
    # messages are plain text only.
    html = (
        templates.render_html(message["template"], language, data)
        if channel == "email" and message["template"] not in CODE_TEMPLATES
        else None
    )
    return subject, body, html


def due_notifications(uow, stale_after_s=STALE_SENDING_S, limit=50):
    now = utcnow()
    uow.session.execute(
        update(Notification)
        .where(
            Notification.status == "sending",
            Notification.updated_at < now - timedelta(seconds=stale_after_s),
        )
        .values(status="temporary-failure", updated_at=now, last_error="interrupted")
    )
    security_first = case((Notification.template.in_(SECURITY_TEMPLATES), 0), else_=1)
    return uow.session.scalars(
        select(Notification.id)
        .where(
            Notification.status.in_(RETRYABLE),
            Notification.next_attempt_at <= now,
            Notification.attempts < MAX_ATTEMPTS,
        )
        .order_by(security_first, Notification.created_at)
        .limit(limit)
    ).all()


def claim(uow, notification_id):
    """-> the notification, now `sending`, or None when another worker has it."""
    now = utcnow()
    claimed = uow.session.execute(
        update(Notification)
        .where(
            Notification.id == notification_id,
            Notification.status.in_(RETRYABLE),
            Notification.next_attempt_at <= now,
            Notification.attempts < MAX_ATTEMPTS,
        )
        .values(status="sending", attempts=Notification.attempts + 1, updated_at=now)
    ).rowcount
    return uow.session.get(Notification, notification_id) if claimed else None


def send(notification, email, sms):
    """Talk to the provider. -> None when accepted, else the DeliveryFailed."""
    if notification.recipient == ERASED_RECIPIENT:  # forgotten while it was being sent
        return DeliveryFailed("permanent-failure", "recipient erased")
    try:
        if notification.channel == "email":
            email.send_email(
                notification.recipient,
                notification.subject,
                notification.body,
                notification.id,
                notification.language,
                notification.html,
            )
        else:
            sms.send_sms(notification.recipient, notification.body, notification.id)
    except DeliveryFailed as failure:
        return failure
    except Exception as exc:  # a fault of ours, not the provider's
        return DeliveryFailed("technical-failure", type(exc).__name__)
    return None


def record_outcome(uow, notification_id, failure):
    notification = uow.session.get(Notification, notification_id)
    now = utcnow()
    notification.updated_at = now
    if failure is None:
        notification.status, notification.sent_at = "delivered", now
        notification.body = notification.html = None  # links and codes: no longer kept
        notification.last_error = None
        _announce(uow, notification)
        return
    notification.last_error = failure.reason[:300]
    notification.status = failure.status
    if failure.status != "temporary-failure" or notification.attempts >= MAX_ATTEMPTS:
        # Final (GOV.UK Notify keeps temporary-failure as the last word after its
        # retries). The link or code inside is of no use any more.
        notification.body = notification.html = None
        _announce(uow, notification)
        return
    base = 2 if notification.template in SECURITY_TEMPLATES else 30
    delay = min(base * 2 ** (notification.attempts - 1), 900)
    notification.next_attempt_at = now + timedelta(seconds=delay)


def _announce(uow, notification):
    """`notification_sent` or `notification_failed`: what, to which channel, how;
    never the text (it may hold a code or a link)."""
    facts = {
        "notification_id": notification.id,
        "template": notification.template,
        "channel": notification.channel,
        "status": notification.status,
        "attempts": notification.attempts,
    }
    delivered = notification.status == "delivered"
    uow.emit(NotificationSent(**facts) if delivered else NotificationFailed(**facts), actor=None)


def delivery_log(uow, pager, status=None, limit=50, cursor=None):
    """A page of the log, newest first (ix_notifications_created, or
    ix_notifications_status_created for one status)."""
    query = select(Notification)
    if status:
        query = query.where(Notification.status == status)
    rows, next_cursor = pager.page(
        uow.session,
        query,
        [desc(Notification.created_at), desc(Notification.id)],
        limit,
        cursor,
        scope=f"notifications:{status or ''}",
    )
    return {
        "items": [
            {
                "id": n.id,
                "template": n.template,
                "channel": n.channel,
                "recipient": n.recipient,
                "language": n.language,
                "status": n.status,
                "attempts": n.attempts,
                "last_error": n.last_error,
                "created_at": n.created_at.isoformat(),
                "sent_at": n.sent_at.isoformat() if n.sent_at else None,
            }
            for n in rows
        ],
        "next_cursor": next_cursor,
    }
