"""Office systems' API keys (routes/api_keys.py)."""

from marshmallow import Schema, fields, validate

from services.common.context import API_KEY_SCOPES as SCOPES


class ApiKeyBody(Schema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=100))
    scopes = fields.List(
        fields.String(validate=validate.Length(min=1, max=50)),
        required=True,
        validate=validate.Length(min=1, max=len(SCOPES)),
        metadata={"description": f"some of: {', '.join(SCOPES)}"},
    )
    expires_at = fields.AwareDateTime(
        load_default=None,
        allow_none=True,
        metadata={"description": "at most 2 years ahead; default 1 year"},
    )


class ApiKeyOut(Schema):
    id = fields.String()
    name = fields.String()
    scopes = fields.List(fields.String())
    expires_at = fields.String()
    created_at = fields.String()
    last_used_at = fields.String(allow_none=True)
    revoked_at = fields.String(allow_none=True)


class ApiKeyCreated(ApiKeyOut):
    key = fields.String(metadata={"description": "shown this once: `klk_...`"})


class ApiKeyList(Schema):
    items = fields.List(fields.Nested(ApiKeyOut), required=True)


__all__ = ["ApiKeyBody", "ApiKeyOut", "ApiKeyCreated", "ApiKeyList"]
