"""What every resource shares: errors, health, sign-in, lists."""

from functools import cache

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from services.common.schemas import NOT_NULL, StrictBool

LANGUAGE = validate.OneOf(["nl", "en"])


class Bool(StrictBool):
    """A JSON boolean and nothing else (the services' StrictBool); a null is refused with
    marshmallow's own words, as on every other field of a body."""

    default_error_messages = {"null": NOT_NULL}


class ErrorBody(Schema):
    error = fields.String(required=True, metadata={"description": "stable error code"})
    message = fields.String(required=True, metadata={"description": "in the caller's language"})
    details = fields.Dict(required=True)
    request_id = fields.String(metadata={"description": "on 5xx answers"})


class Health(Schema):
    status = fields.String(required=True)
    services = fields.Dict(keys=fields.String(), values=fields.String(), required=True)


class Limits(Schema):
    max_upload_bytes = fields.Integer(required=True)
    upload_content_types = fields.List(fields.String(), required=True)
    upload_extensions = fields.List(fields.String(), required=True)
    uploads_in_flight = fields.Integer(
        required=True, metadata={"description": "uploads at once per account; more get 429"}
    )
    message_subject_max = fields.Integer(required=True)
    message_body_max = fields.Integer(required=True)


class LoginBody(Schema):
    email = fields.Email(required=True, validate=validate.Length(max=254))
    password = fields.String(required=True, validate=validate.Length(min=1, max=1024))


class SessionToken(Schema):
    token = fields.String(required=True)
    idle_timeout_s = fields.Integer(required=True)
    warning_s = fields.Integer(required=True)


class SessionState(Schema):
    expires_at = fields.DateTime(required=True)
    warn_at = fields.DateTime(required=True)
    now = fields.DateTime(metadata={"description": "the server's time of this answer"})
    max_expires_at = fields.DateTime(
        metadata={
            "description": "when the session ends however active it is (12 hours after login)"
        }
    )
    idle_timeout_s = fields.Integer(required=True)
    warning_s = fields.Integer(required=True)


class ForgotBody(Schema):
    email = fields.Email(required=True, validate=validate.Length(max=254))


class ResetBody(Schema):
    token = fields.String(required=True, validate=validate.Length(min=1, max=200))
    password = fields.String(required=True, validate=validate.Length(min=1, max=1024))


class Office(Schema):
    id = fields.String()
    name = fields.String()
    city = fields.String()
    role = fields.String()


class Me(Schema):
    id = fields.String(required=True)
    kind = fields.String(required=True, metadata={"enum": ["admin", "staff", "client"]})
    name = fields.String()
    email = fields.String()
    mobile = fields.String(allow_none=True)
    language = fields.String(validate=LANGUAGE)
    first_login = fields.Boolean()
    offices = fields.List(fields.Nested(Office))
    active_office_id = fields.String(allow_none=True)
    second_factor = fields.String(
        allow_none=True,
        metadata={"enum": ["sms", "totp", None], "description": "the second sign-in step, when on"},
    )
    companies = fields.List(
        fields.Dict(),
        metadata={
            "description": "client: the companies whose main account this is "
            "[{id, name, office_id, office_name}] (they manage extra accounts)"
        },
    )
    read_only = fields.Boolean(metadata={"description": "a look-along session: writes are 403"})
    look_along = fields.Dict(
        allow_none=True,
        metadata={
            "description": "look-along: {office_id, office_name} of the office looking along"
        },
    )


class MePatch(Schema):
    OPENAPI = {"minProperties": 1}
    language = fields.String(validate=LANGUAGE)
    name = fields.String(validate=validate.Length(min=1, max=200))

    @validates_schema
    def something(self, data, **_kwargs):
        if not data:
            raise ValidationError("Give language or name.", "_schema")


class ListQuery(Schema):
    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=200))
    cursor = fields.String(load_default=None, allow_none=True)


class NotificationQuery(ListQuery):
    status = fields.String(
        validate=validate.OneOf(
            [
                "created",
                "sending",
                "delivered",
                "temporary-failure",
                "permanent-failure",
                "technical-failure",
            ]
        )
    )


class ItemList(Schema):
    items = fields.List(fields.Dict(), required=True)
    next_cursor = fields.String(allow_none=True, required=True)


@cache
def page_of(item):
    """`{items, next_cursor}` whose items have the shape of the schema `item`: one class
    per item schema (`ClientOutPage`), so the document names it once."""
    return Schema.from_dict(
        {
            "items": fields.List(fields.Nested(item), required=True),
            "next_cursor": fields.String(allow_none=True, required=True),
        },
        name=f"{item.__name__}Page",
    )


class Raw:
    """A response that is not JSON: its bytes, of one of `content_types` (the OpenAPI
    document says `format: binary`)."""

    def __init__(self, *content_types):
        self.content_types = content_types


HTML_PAGE = Raw("text/html")


class Empty(Schema):
    """A response without a body (202 or 204): the status says it all."""


class Status(Schema):
    status = fields.String(required=True)


class Pending(Schema):
    status = fields.String(required=True, metadata={"enum": ["pending"]})


class Live(Schema):
    status = fields.String(required=True, metadata={"enum": ["ok"]})


class OpenApi(Schema):
    """This document itself (OpenAPI 3.0)."""

    openapi = fields.String(required=True)
    info = fields.Dict(required=True)
    servers = fields.List(fields.Dict())
    paths = fields.Dict(required=True)
    components = fields.Dict()
    tags = fields.List(fields.Dict())
