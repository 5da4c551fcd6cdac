"""The RPC arguments identity checks itself (the gateway checks them first with its own
schemas; these hold for every other caller too). Apply one with `services.common.schemas.load`."""

from typing import Any

from marshmallow import INCLUDE, Schema, ValidationError, fields, validate

from services.common.schemas import one_of

from . import domain

LANGUAGES = ("nl", "en")
NOT_A_KEY = "Not a valid Ed25519 public key."


class PublicKey(fields.String):
    """A raw 32-byte Ed25519 key in base64 -> its canonical base64 text."""

    default_error_messages = {"invalid": NOT_A_KEY, "null": NOT_A_KEY}

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        key = domain.parse_public_key(value)
        if key is None:
            raise ValidationError(NOT_A_KEY)
        return key


class Device(Schema):
    """The key of the device an app registers; its other fields pass through as given."""

    class Meta:
        unknown = INCLUDE

    public_key = PublicKey(required=True)


class NewRegistration(Schema):
    device = fields.Nested(Device, required=True)


class MeUpdate(Schema):
    """None: leave the language as it is."""

    language = fields.String(
        allow_none=True,
        validate=validate.OneOf(LANGUAGES, error=one_of(LANGUAGES)),
        error_messages={"invalid": one_of(LANGUAGES)},
    )
