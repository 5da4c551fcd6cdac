"""Checking RPC arguments with marshmallow: each service declares its schemas in its own
`schemas.py` and applies one with `load`, which refuses bad input the way the gateway
does (ValidationFailed, details {field: [messages]}, HTTP 400 `validation_error`).

The messages are marshmallow's own words, so that the gateway's translations
(`gateway/field_messages.py`) cover them; the ones a service writes itself live here, once.
"""

from typing import Any

from marshmallow import Schema, ValidationError, fields

from .errors import ValidationFailed

REQUIRED = "Missing data for required field."
NOT_BOOLEAN = "Not a valid boolean."
NOT_STRING = "Not a valid string."
NOT_LIST = "Not a valid list."
NOT_MAPPING = "Not a valid mapping type."
NOT_NULL = "Field may not be null."
UNKNOWN = "Unknown field."


class StrictBool(fields.Boolean):
    """A boolean and nothing else (marshmallow's Boolean takes 0, 1, "true" and more);
    None too is "Not a valid boolean."."""

    default_error_messages = {"invalid": NOT_BOOLEAN, "null": NOT_BOOLEAN}

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> bool:
        if not isinstance(value, bool):
            raise self.make_error("invalid")
        return value


def one_of(choices: tuple[str, ...]) -> str:
    """marshmallow's OneOf message, for the same choices."""
    return f"Must be one of: {', '.join(choices)}."


def between(low: int, high: int) -> str:
    """marshmallow's Length message for a minimum and a maximum."""
    return f"Length must be between {low} and {high}."


def load(schema: Schema, data: dict[str, Any]) -> dict[str, Any]:
    """-> the data as the schema loads it; ValidationFailed naming each bad field."""
    try:
        return schema.load(data)
    except ValidationError as exc:
        raise ValidationFailed(exc.normalized_messages()) from None
