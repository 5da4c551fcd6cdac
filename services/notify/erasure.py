"""Forgetting a client (AVG art. 17) at the end of their retention: dossier sends
`forget_recipients` with the client's e-mail addresses and mobile numbers
(services/dossier/erasure.py, docs/privacy.md), and the delivery log keeps each row's
facts (template, channel, language, status, attempts, times) but no longer says to whom
it went, nor its subject. What was still waiting to be sent to them is not sent. The
webhook deliveries hold ids only (webhooks.py): nothing to forget there."""

import json
import logging

from sqlalchemy import and_, func, or_, select, update

from services.common.db import utcnow

from .events import ForgetRecipients
from .models import Notification, metadata

ERASED_RECIPIENT = "(gewist)"
SEND_SOURCE = "notify.send_notification"
log = logging.getLogger(__name__)
inbox = metadata.tables["inbox"]


def forget_recipients(uow, message):
    """Inbox handler of the `forget_recipients` command {emails, mobiles}. Idempotent:
    a second time finds nothing under those addresses."""
    message = ForgetRecipients.load(message)
    emails = sorted({e.strip().lower() for e in message["emails"] if e})[:500]
    mobiles = sorted({m.strip() for m in message["mobiles"] if m})[:500]
    if not emails and not mobiles:
        return
    theirs = or_(
        and_(Notification.channel == "email", func.lower(Notification.recipient).in_(emails)),
        and_(Notification.channel == "sms", Notification.recipient.in_(mobiles)),
    )
    now = utcnow()
    uow.session.execute(
        update(Notification)
        .where(theirs, Notification.status.in_(("created", "sending", "temporary-failure")))
        .values(status="permanent-failure", last_error="recipient erased", updated_at=now)
    )
    forgotten = uow.session.execute(
        update(Notification)
        .where(theirs)
        .values(recipient=ERASED_RECIPIENT, subject="", body=None, html=None, updated_at=now)
    ).rowcount
    dropped = _drop_waiting_commands(uow, set(emails), set(mobiles))
    log.info("delivery log: %d notifications forgot their recipient", forgotten + dropped)


def _drop_waiting_commands(uow, emails, mobiles):
    """`send_notification` commands to them that notify could not record yet (parked, or
    waiting for a retry) hold the address in the inbox: they are done with, unsent."""
    rows = uow.session.execute(
        select(inbox.c.message_id, inbox.c.payload).where(
            inbox.c.source == SEND_SOURCE, inbox.c.status.in_(("received", "parked"))
        )
    ).all()
    ids = [row.message_id for row in rows if _addressed_to(row.payload, emails, mobiles)]
    if ids:
        uow.session.execute(
            update(inbox)
            .where(inbox.c.message_id.in_(ids))
            .values(status="done", payload="{}", done_at=utcnow(), last_error="recipient erased")
        )
    return len(ids)


def _addressed_to(payload, emails, mobiles):
    try:
        to = json.loads(payload).get("to")
    except (ValueError, AttributeError):
        return False
    if not isinstance(to, dict):
        return False
    email, mobile = to.get("email"), to.get("mobile")
    return (isinstance(email, str) and email.strip().lower() in emails) or mobile in mobiles
