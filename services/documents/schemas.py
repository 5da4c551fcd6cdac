"""The RPC arguments documents checks itself (the gateway checks them first with its own
schemas; these hold for every other caller too, so that a direct call cannot store what
the columns or the rules do not allow). Apply one with `services.common.schemas.load`."""

import re
from datetime import date
from typing import Any

from marshmallow import (
    Schema,
    ValidationError,
    fields,
    post_load,
    pre_load,
    validate,
    validates_schema,
)

from services.common.schemas import NOT_LIST, StrictBool, between, one_of

from . import validity

CATEGORIES = ("document", "correspondence", "delivered_by_me")
DOSSIER_CATEGORIES = ("document", "correspondence")  # what staff file themselves
DELIVERERS = ("client", "lender")
REQUEST_STATUSES = ("open", "uploaded", "approved", "rejected", "provisional", "lapsed")
DECISIONS = ("approve", "reject")
TITLE_MAX, DESCRIPTION_MAX, REASON_MAX = 200, 2000, 1000
MAX_ATTACHMENTS = 10
MAX_FACTS_PAGE = 1000

NOT_A_DATE = "Not a valid date."
REQUIRED_TO_REJECT = "Required to reject."
TOO_MANY_ATTACHMENTS = f"At most {MAX_ATTACHMENTS}."
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def longer_than(maximum: int) -> str:
    """marshmallow's Length message for a maximum only."""
    return f"Longer than maximum length {maximum}."


def choice(choices: tuple[str, ...], **kwargs: Any) -> fields.String:
    """One of `choices`; anything else (None or not text too) is the OneOf message."""
    message = one_of(choices)
    return fields.String(
        validate=validate.OneOf(choices, error=message),
        error_messages={"invalid": message, "null": message, "required": message},
        **kwargs,
    )


class Title(fields.String):
    """Text of 1..TITLE_MAX characters once trimmed -> trimmed; else the Length message."""

    default_error_messages = {k: between(1, TITLE_MAX) for k in ("invalid", "null", "required")}

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        if not isinstance(value, str) or not 1 <= len(value.strip()) <= TITLE_MAX:
            raise self.make_error("invalid")
        return value.strip()


class DateText(fields.String):
    """A calendar date as YYYY-MM-DD, kept as that text."""

    default_error_messages = {"invalid": NOT_A_DATE}

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        if not isinstance(value, str) or not _DATE.fullmatch(value):
            raise self.make_error("invalid")
        try:
            date.fromisoformat(value)
        except ValueError:
            raise self.make_error("invalid") from None
        return value


class AttachmentIds(fields.Field):
    """A list of ids (None: none) -> without repeats; at most MAX_ATTACHMENTS of them."""

    default_error_messages = {"invalid": NOT_LIST, "too_many": TOO_MANY_ATTACHMENTS}

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> list[str]:
        if not isinstance(value, list):
            raise self.make_error("invalid")
        ids = list(dict.fromkeys(value))
        if len(ids) > MAX_ATTACHMENTS:
            raise self.make_error("too_many")
        return ids


def _known_document_type(value: str) -> None:
    if value not in validity.document_types():
        raise ValidationError("Unknown document type.")


class NewRequest(Schema):
    """An item for a dossier's checklist."""

    title = Title(required=True)
    deliver_by = choice(DELIVERERS, required=True)
    description = fields.String(
        allow_none=True,
        validate=validate.Length(max=DESCRIPTION_MAX, error=longer_than(DESCRIPTION_MAX)),
        error_messages={"invalid": longer_than(DESCRIPTION_MAX)},
    )
    due_date = DateText(allow_none=True)
    # A type of the validity table (validity.py): what is delivered goes stale.
    document_type = fields.String(allow_none=True, validate=_known_document_type)


class Review(Schema):
    """approve, or reject with a reason. The reason is trimmed; an approval keeps none."""

    decision = choice(DECISIONS, required=True)
    reason = fields.String(allow_none=True)

    @validates_schema
    def _reason_to_reject(self, data: dict[str, Any], **kwargs: Any) -> None:
        reason = (data.get("reason") or "").strip()
        if data.get("decision") == "reject" and not reason:
            raise ValidationError(REQUIRED_TO_REJECT, "reason")
        if len(reason) > REASON_MAX:
            raise ValidationError(longer_than(REASON_MAX), "reason")

    @post_load
    def _trimmed(self, data: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
        reason = data.get("reason")
        return {**data, "reason": reason.strip() if reason is not None else None}


class DossierDocument(Schema):
    """How staff file their upload: `category` (document|correspondence)."""

    category = choice(DOSSIER_CATEGORIES, required=True)


class Attachments(Schema):
    """The attachments a sent message files. None: none."""

    attachment_ids = AttachmentIds(load_default=list)

    @pre_load
    def _none_is_none(self, data: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
        return {k: v for k, v in data.items() if not (k == "attachment_ids" and v is None)}


class Visibility(Schema):
    public = StrictBool(required=True)


class DocumentFilter(Schema):
    """None: every category."""

    category = choice(CATEGORIES, allow_none=True)


class RequestFilter(Schema):
    """None: every status."""

    status = choice(REQUEST_STATUSES, allow_none=True)


class FactsPage(Schema):
    """dossier's page of document facts: after an id (None: from the start), `limit`
    brought within 1..MAX_FACTS_PAGE."""

    after = fields.String(allow_none=True)
    limit = fields.Integer(required=True)

    @post_load
    def _within_bounds(self, data: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
        return {**data, "limit": max(1, min(data["limit"], MAX_FACTS_PAGE))}
