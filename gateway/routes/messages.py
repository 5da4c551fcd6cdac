"""Messages in a dossier (dossier), between the client and the office. Attachments are
uploaded beforehand (POST /dossiers/{id}/attachments, in routes/documents.py) and
named by id when the message is sent."""

from ..http import json_response, paging, route
from ..schemas import ListQuery, MessageBody, MessageList, MessageOut, ReplyBody


@route(
    "POST",
    "/dossiers/<dossier_id>/messages",
    body=MessageBody,
    tag="messages",
    changes_access=False,
    responses={
        201: ("sent", MessageOut),
        404: (
            "not_found (the dossier, or an attachment that is not the "
            "sender's pending one of this dossier)",
            None,
        ),
        410: ("client_erased (the client's data was erased at the end of retention)", None),
    },
)
def post_message(call, dossier_id):
    """Client or staff: a new thread. `subject` (1..200) and `body` (1..500 characters)
    are required; `attachment_ids` (at most 10) become documents of the dossier (a
    client's under delivered_by_me, staff's under correspondence). Staff's message is
    e-mailed to the client; a client's becomes a task for the office."""
    return 201, call.services.dossier.post_message(dossier_id, **call.body)


@route(
    "GET",
    "/dossiers/<dossier_id>/messages",
    query=ListQuery,
    tag="messages",
    responses={200: ("newest first", MessageList)},
)
def list_messages(call, dossier_id):
    """Client or staff who see the dossier. `direction` and `read` are from the
    caller's side."""
    return 200, call.services.dossier.list_messages(dossier_id, **paging(call))


@route(
    "POST",
    "/messages/<message_id>/reply",
    body=ReplyBody,
    tag="messages",
    changes_access=False,
    responses={
        201: ("sent in the same thread", MessageOut),
        404: ("not_found", None),
        410: ("client_erased", None),
    },
)
def reply_to_message(call, message_id):
    """Client or staff: a reply in the message's thread, subject "Re: <subject>". A
    staff reply closes the thread's open answer_message task."""
    return 201, call.services.dossier.reply_to_message(message_id, **call.body)


@route(
    "POST",
    "/messages/<message_id>/read",
    tag="messages",
    read_only_ok=True,
    changes_access=False,
    responses={204: ("read for the caller's side", None), 404: ("not_found", None)},
)
def mark_message_read(call, message_id):
    """Client or staff: marks an incoming message read for the caller's side (one's own
    side's messages do not change). A look-along session may call it; it marks
    nothing."""
    call.services.dossier.mark_message_read(message_id)
    return json_response(204)
