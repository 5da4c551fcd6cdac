"""Messages in a dossier, between its client (with a company's extra accounts) and the
office's staff: two sides, `client` and `staff`. Replies share the first message's
`thread_id`. A message is read once the other side opened it (`read_at`, by anyone of
that side); a look-along session reads as the client but marks nothing.

A staff message is what the seed systems call a public registration: the client is
told by e-mail (`new_message`, subject to the client's `messages` preference). A
client's message opens an `answer_message` task for the office (one per thread),
which a staff reply in the thread closes (tasks.py). Sending announces
`message_posted` (ids only: subject and body are content and stay out of events)."""

from sqlalchemy import and_, bindparam, case, func, literal, select

from services.common.db import utcnow
from services.common.errors import Forbidden, NotFound
from services.common.paging import desc
from services.common.schemas import load

from . import access, audit, tasks
from .client_news import notify_client
from .events import MessagePosted
from .models import Message
from .schemas import SUBJECT_MAX, NewMessage, Reply

SIDES = ("client", "staff")
REPLY_PREFIX = "Re: "


# -- the rules for what may be sent -----------------------------------------------------
def check_message(subject, body, attachment_ids):
    """-> (subject, body, attachment_ids), texts trimmed and ids without repeats.
    Subject 1..200 and body 1..500 characters (after trimming), at most 10 attachment
    ids; else ValidationFailed naming each field (schemas.NewMessage)."""
    data = {"subject": subject, "body": body, "attachment_ids": attachment_ids}
    message = load(NewMessage(), data)
    return message["subject"], message["body"], message["attachment_ids"]


def check_reply(body, attachment_ids):
    """-> (body, attachment_ids); a reply takes its subject from the thread."""
    reply = load(Reply(), {"body": body, "attachment_ids": attachment_ids})
    return reply["body"], reply["attachment_ids"]


# -- sending ----------------------------------------------------------------------------
def check_access(uow, principal, dossier_id):
    """Before anything is filed: the client or staff may write in this dossier (else
    NotFound, Forbidden for other kinds)."""
    _side(principal)
    access.visible_dossier(uow, principal, dossier_id)


def reply_target(uow, principal, message_id):
    """-> the dossier id of the message replied to, when the caller sees it."""
    _side(principal)
    return visible_message(uow, principal, message_id)[0].dossier_id


def post(uow, principal, message_id, dossier_id, subject, body, attachments, public_url):
    """A new thread. `attachments`: what documents filed for it. -> the message."""
    _side(principal)
    dossier, _client = access.visible_dossier(uow, principal, dossier_id)
    message = _new(principal, dossier, message_id, subject, body, attachments)
    return _send(uow, principal, dossier, message, public_url)


def reply(uow, principal, message_id, original_id, body, attachments, public_url):
    """In the original's thread, subject "Re: <subject>". -> the message."""
    _side(principal)
    original, dossier = visible_message(uow, principal, original_id)
    # One writer per thread at a time: two client replies cannot both open a task.
    uow.session.get(Message, original.thread_id, with_for_update=True)
    subject = (
        original.subject
        if original.subject.startswith(REPLY_PREFIX)
        else (REPLY_PREFIX + original.subject)[:SUBJECT_MAX]
    )
    message = _new(
        principal,
        dossier,
        message_id,
        subject,
        body,
        attachments,
        thread_id=original.thread_id,
        reply_to=original.id,
    )
    return _send(uow, principal, dossier, message, public_url)


def _new(principal, dossier, message_id, subject, body, attachments, thread_id=None, reply_to=None):
    return Message(
        id=message_id,
        dossier_id=dossier.id,
        office_id=dossier.office_id,
        client_id=dossier.client_id,
        thread_id=thread_id or message_id,
        reply_to=reply_to,
        subject=subject,
        body=body,
        sender_id=principal.account_id,
        sender_kind=principal.kind,
        attachments=list(attachments or []),
        created_at=utcnow(),
    )


def _send(uow, principal, dossier, message, public_url):
    uow.session.add(message)
    event = uow.emit(
        MessagePosted(
            message_id=message.id,
            dossier_id=dossier.id,
            office_id=dossier.office_id,
            client_id=dossier.client_id,
            thread_id=message.thread_id,
            reply_to=message.reply_to,
            sender_kind=message.sender_kind,
            attachment_ids=[a["id"] for a in message.attachments],
        ),
        actor=principal.account_id,
    )
    audit.record(
        uow, principal, "message_posted", dossier.client_id, "message", message.id, dossier.id
    )
    if principal.kind == "client":
        tasks.open_answer(uow, message)
    else:
        tasks.close_answered(uow, principal, message)
        notify_client(uow, event, "new_message", {"title": message.subject}, public_url)
    return describe(message, principal)


# -- reading ----------------------------------------------------------------------------
def list_messages(uow, pager, principal, dossier_id, limit=50, cursor=None):
    """A page of the dossier's messages, newest first, as the caller's side sees them
    (ix_messages_dossier_created)."""
    _side(principal)
    dossier, _client = access.visible_dossier(uow, principal, dossier_id)
    rows, next_cursor = pager.page(
        uow.session,
        select(Message).where(Message.dossier_id == dossier.id),
        [desc(Message.created_at), desc(Message.id)],
        limit,
        cursor,
        scope=f"messages:{dossier.id}",
    )
    return {"items": [describe(message, principal) for message in rows], "next_cursor": next_cursor}


def mark_read(uow, principal, message_id):
    """Read for the caller's side: only an incoming message changes, once (audited
    `message_read`). Reading one's own side's message, reading again, and anything a
    look-along (read-only) session does change nothing."""
    _side(principal)
    message, dossier = visible_message(uow, principal, message_id, lock=True)
    if (
        principal.read_only
        or principal.looked_along_by
        or message.sender_kind == principal.kind
        or message.read_at is not None
    ):
        return
    message.read_at, message.read_by = utcnow(), principal.account_id
    audit.record(
        uow, principal, "message_read", dossier.client_id, "message", message.id, dossier.id
    )


def visible_message(uow, principal, message_id, lock=False):
    """-> (message, dossier) when the caller sees the message's dossier; else NotFound."""
    message = uow.session.get(Message, message_id, with_for_update=lock)
    if message is None:
        raise NotFound()
    dossier, _client = access.visible_dossier(uow, principal, message.dossier_id)
    return message, dossier


def counts_query():
    """The counts of a page of dossiers' messages from one side, a select (dossiers._tabs
    runs it on every dossier page, beside documents' counts): rows (dossier_id,
    "messages", total, unread); unread are the other side's messages that nobody of the
    reader's side read yet. Parameters: `side`, the reader's kind; `dossier_ids`, a list."""
    unread = and_(Message.sender_kind != bindparam("side"), Message.read_at.is_(None))
    return (
        select(
            Message.dossier_id,
            literal("messages"),
            func.count(),
            func.sum(case((unread, 1), else_=0)),
        )
        .where(Message.dossier_id.in_(bindparam("dossier_ids", expanding=True)))
        .group_by(Message.dossier_id)
    )


def describe(message, principal):
    """`direction` from the caller's side; `read`: for an outgoing message whether the
    other side read it, for an incoming one whether the caller's side did."""
    return {
        "id": message.id,
        "dossier_id": message.dossier_id,
        "thread_id": message.thread_id,
        "reply_to": message.reply_to,
        "subject": message.subject,
        "body": message.body,
        "direction": "outgoing" if message.sender_kind == principal.kind else "incoming",
        "read": message.read_at is not None,
        "read_at": message.read_at.isoformat() if message.read_at else None,
        "sender": {"id": message.sender_id, "kind": message.sender_kind},
        "attachments": list(message.attachments or []),
        "created_at": message.created_at.isoformat(),
    }


def _side(principal):
    if principal.kind not in SIDES:
        raise Forbidden()
    return principal.kind
