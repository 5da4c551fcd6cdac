"""The client's rights over their data: the export (routes/privacy.py); ending a
relationship, retention and erasure (routes/erasure.py)."""

from marshmallow import Schema, fields, validate

EXPORT_STATUSES = ["preparing", "ready", "downloaded", "expired", "failed"]


class Retention(Schema):
    client_id = fields.String(required=True)
    erasure_requested_at = fields.DateTime(allow_none=True, required=True)
    ended_at = fields.DateTime(allow_none=True, required=True)
    erase_at = fields.DateTime(allow_none=True, required=True)
    erased = fields.Boolean(required=True)
    erased_at = fields.DateTime(allow_none=True, required=True)
    requested_erased_at = fields.DateTime(
        allow_none=True,
        required=True,
        metadata={
            "description": "when what no law keeps went on the client's request (after "
            "the end of the relationship); null until then"
        },
    )
    legal_ground = fields.String(required=True)


class ErasureRequest(Schema):
    office_id = fields.String(required=True)
    office_name = fields.String(required=True)
    requested_at = fields.DateTime(allow_none=True, required=True)


class MyErasure(Schema):
    items = fields.List(fields.Nested(ErasureRequest), required=True)
    legal_ground = fields.String(required=True)


class ExportOut(Schema):
    status = fields.String(required=True, validate=validate.OneOf(EXPORT_STATUSES))
    requested_at = fields.DateTime(required=True)
    expires_at = fields.DateTime(
        allow_none=True,
        metadata={"description": "until when it can be downloaded (once); null while preparing"},
    )


__all__ = ["Retention", "ErasureRequest", "MyErasure", "ExportOut"]
