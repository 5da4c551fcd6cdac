"""Staff tasks."""

from marshmallow import Schema, fields, validate

from .common import ListQuery


class TaskQuery(ListQuery):
    status = fields.String(load_default="open", validate=validate.OneOf(["open", "done", "all"]))


class TaskOut(Schema):
    id = fields.String()
    type = fields.String(metadata={"enum": ["review_upload", "answer_message"]})
    office_id = fields.String()
    dossier_id = fields.String()
    client_id = fields.String()
    request_id = fields.String(allow_none=True)
    message_id = fields.String(
        allow_none=True,
        metadata={"description": "answer_message: the client's message that opened it"},
    )
    status = fields.String(metadata={"enum": ["open", "done"]})
    created_at = fields.DateTime()
    done_at = fields.DateTime(allow_none=True)
    done_by = fields.String(allow_none=True, metadata={"description": "account id"})


class TaskList(Schema):
    items = fields.List(fields.Nested(TaskOut), required=True)
    next_cursor = fields.String(allow_none=True, required=True)
