"""Messages in a dossier."""

from marshmallow import Schema, fields, validate

from .documents import AttachmentOut


class Trimmed(fields.String):
    """A string without its surrounding whitespace; lengths are checked after trimming."""

    def __init__(self, **kwargs):
        metadata = {"pattern": r"\S", **kwargs.pop("metadata", {})}
        super().__init__(metadata=metadata, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        return super()._deserialize(value, attr, data, **kwargs).strip()


def _attachment_ids_field():
    return fields.List(
        fields.String(validate=validate.Length(min=1, max=36)),
        load_default=list,
        validate=validate.Length(max=10),
        metadata={"description": "ids from POST /dossiers/{id}/attachments"},
    )


class MessageBody(Schema):
    subject = Trimmed(required=True, validate=validate.Length(min=1, max=200))
    body = Trimmed(required=True, validate=validate.Length(min=1, max=500))
    attachment_ids = _attachment_ids_field()


class ReplyBody(Schema):
    body = Trimmed(required=True, validate=validate.Length(min=1, max=500))
    attachment_ids = _attachment_ids_field()


class MessageOut(Schema):
    id = fields.String()
    dossier_id = fields.String()
    thread_id = fields.String(metadata={"description": "the first message's id"})
    reply_to = fields.String(allow_none=True)
    subject = fields.String()
    body = fields.String()
    direction = fields.String(
        metadata={"enum": ["incoming", "outgoing"], "description": "from the caller's side"}
    )
    read = fields.Boolean(
        metadata={
            "description": "outgoing: the other side read it; incoming: the caller's side read it"
        }
    )
    read_at = fields.DateTime(allow_none=True)
    sender = fields.Dict(metadata={"description": "{id, kind: client|staff}"})
    attachments = fields.List(
        fields.Nested(AttachmentOut), metadata={"description": "documents of the dossier"}
    )
    created_at = fields.DateTime()


class MessageList(Schema):
    items = fields.List(fields.Nested(MessageOut), required=True)
    next_cursor = fields.String(allow_none=True, required=True)
