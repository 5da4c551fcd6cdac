"""Ending a client relationship and what the law keeps afterwards (AVG art. 17 against
Wwft art. 33; services/dossier/retention.py): the office's owner ends it and sees the
retention that still holds."""

from marshmallow import Schema, fields

from ..http import route


class Retention(Schema):
    client_id = fields.String(required=True)
    ended_at = fields.DateTime(required=True)
    erase_at = fields.DateTime(required=True)
    erased = fields.Boolean(required=True)
    erased_at = fields.DateTime(allow_none=True, required=True)
    legal_ground = fields.String(required=True)


@route(
    "POST",
    "/clients/<client_id>/end-relationship",
    tag="erasure",
    responses={
        200: ("the relationship ended: what is kept, until when, and why", Retention),
        403: ("forbidden: only the office's owner ends a relationship", None),
    },
)
def end_relationship(call, client_id):
    """Owner: the client's portal access ends at once (as unlink) and the retention
    clock starts; afterwards only the owner sees the client. Ending it again changes
    nothing."""
    return 200, call.services.dossier.end_client_relationship(client_id)


@route(
    "GET",
    "/clients/<client_id>/retention",
    tag="erasure",
    responses={200: ("what is kept, until when, and why", Retention)},
)
def client_retention(call, client_id):
    """Owner: 404 while the relationship lasts."""
    return 200, call.services.dossier.client_retention(client_id)
