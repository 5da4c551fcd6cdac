"""The RPC arguments dossier checks itself (the gateway checks them first with its own
schemas; these hold for every other caller too). Apply one with `services.common.schemas.load`."""

from typing import Any

from marshmallow import Schema, ValidationError, fields, pre_load, validate

from services.common.schemas import REQUIRED, StrictBool, between, one_of

SUBJECT_MAX, BODY_MAX, MAX_ATTACHMENTS = 200, 500, 10
ATTACHMENT_ID_MAX = 36
TASK_STATUSES = ("open", "done", "all")
TOO_MANY_ATTACHMENTS = f"At most {MAX_ATTACHMENTS} attachment ids."


class Trimmed(fields.String):
    """Text with something in it, trimmed: missing, None, blank or not text is
    REQUIRED; longer than `maximum` after trimming is the Length message."""

    default_error_messages = {"required": REQUIRED, "null": REQUIRED, "invalid": REQUIRED}

    def __init__(self, maximum: int, **kwargs: Any) -> None:
        super().__init__(required=True, **kwargs)
        self.maximum = maximum

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        if not isinstance(value, str) or not value.strip():
            raise self.make_error("required")
        value = value.strip()
        if len(value) > self.maximum:
            raise ValidationError(between(1, self.maximum))
        return value


class AttachmentIds(fields.Field):
    """At most MAX_ATTACHMENTS ids of 1..36 characters -> the ids without repeats."""

    default_error_messages = {"invalid": TOO_MANY_ATTACHMENTS}

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> list[str]:
        if (
            not isinstance(value, list)
            or len(value) > MAX_ATTACHMENTS
            or not all(isinstance(i, str) and 0 < len(i) <= ATTACHMENT_ID_MAX for i in value)
        ):
            raise self.make_error("invalid")
        return list(dict.fromkeys(value))


class Reply(Schema):
    """A reply takes its subject from the thread. attachment_ids None: none."""

    body = Trimmed(BODY_MAX)
    attachment_ids = AttachmentIds(load_default=list)

    @pre_load
    def _no_attachments(self, data: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
        return {k: v for k, v in data.items() if not (k == "attachment_ids" and v is None)}


class NewMessage(Reply):
    subject = Trimmed(SUBJECT_MAX)


class Consent(Schema):
    shared = StrictBool(required=True)


class TaskFilter(Schema):
    status = fields.String(
        load_default="open",
        validate=validate.OneOf(TASK_STATUSES, error=one_of(TASK_STATUSES)),
        error_messages={"invalid": one_of(TASK_STATUSES), "null": one_of(TASK_STATUSES)},
    )
