"""The work in a dossier: staff tasks, documents and requests, signing, messages,
questionnaires."""

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from services.documents.inspection import EXTENSIONS

from .common import Bool, ListQuery, Raw  # noqa: F401


# -- staff tasks -----------------------------------------------------------------------------
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


# -- documents and document requests ----------------------------------------------------
FORM_TRUE, FORM_FALSE = {"true", "1", "on", "yes"}, {"false", "0", "off", "no"}


STORED_FILE = Raw(*sorted(EXTENSIONS))  # a download: the type found from its content


class DocumentForm(Schema):
    """The form fields that come with the `file` part of a document upload."""

    category = fields.String(required=True, validate=validate.OneOf(["document", "correspondence"]))
    public = fields.Boolean(load_default=False, truthy=FORM_TRUE, falsy=FORM_FALSE)
    title = fields.String(validate=validate.Length(min=1, max=200))


class DeliveryForm(Schema):
    """A request upload has its `file` part only."""


class DocumentOut(Schema):
    id = fields.String()
    dossier_id = fields.String()
    name = fields.String(metadata={"description": "sanitised file name"})
    title = fields.String()
    size = fields.Integer()
    sha256 = fields.String()
    content_type = fields.String(metadata={"description": "found from the content"})
    category = fields.String(metadata={"enum": ["document", "correspondence", "delivered_by_me"]})
    public = fields.Boolean()
    request_id = fields.String(allow_none=True)
    uploaded_by = fields.Dict()
    created_at = fields.DateTime()
    downloaded = fields.Boolean(metadata={"description": "by the caller"})
    locked = fields.Boolean(
        metadata={
            "description": "offered for signing: its visibility "
            "can no longer change (document_signed)"
        }
    )


class AttachmentOut(Schema):
    id = fields.String()
    name = fields.String()
    size = fields.Integer()
    content_type = fields.String()
    sha256 = fields.String()


class DocumentQuery(ListQuery):
    category = fields.String(
        validate=validate.OneOf(["document", "correspondence", "delivered_by_me"])
    )


class DocumentPatch(Schema):
    public = Bool(required=True)


class RequestBody(Schema):
    title = fields.String(required=True, validate=validate.Length(min=1, max=200))
    description = fields.String(
        load_default=None, allow_none=True, validate=validate.Length(max=2000)
    )
    deliver_by = fields.String(required=True, validate=validate.OneOf(["client", "lender"]))
    due_date = fields.Date(load_default=None, allow_none=True)


REQUEST_STATUS = validate.OneOf(["open", "uploaded", "approved", "rejected"])


class RequestOut(Schema):
    id = fields.String()
    dossier_id = fields.String()
    title = fields.String()
    description = fields.String(allow_none=True)
    deliver_by = fields.String(metadata={"enum": ["client", "lender"]})
    due_date = fields.Date(allow_none=True)
    status = fields.String(metadata={"enum": ["open", "uploaded", "approved", "rejected"]})
    reason = fields.String(allow_none=True, metadata={"description": "of a rejection"})
    document_ids = fields.List(fields.String())
    created_at = fields.DateTime()
    updated_at = fields.DateTime()


class RequestQuery(ListQuery):
    status = fields.String(validate=REQUEST_STATUS)


class ReviewBody(Schema):
    OPENAPI = {
        "oneOf": [
            {"properties": {"decision": {"enum": ["approve"]}}},
            {
                "properties": {
                    "decision": {"enum": ["reject"]},
                    "reason": {"type": "string", "pattern": r"\S"},
                },
                "required": ["reason"],
            },
        ]
    }
    decision = fields.String(required=True, validate=validate.OneOf(["approve", "reject"]))
    reason = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=1000))

    @validates_schema
    def reason_to_reject(self, data, **_kwargs):
        if data.get("decision") == "reject" and not (data.get("reason") or "").strip():
            raise ValidationError("Required to reject.", "reason")


# -- signing ---------------------------------------------------------------------------------
class SigningOffer(Schema):
    signer_id = fields.String(
        required=True,
        validate=validate.Length(min=1, max=36),
        metadata={"description": "a client of the dossier"},
    )


class SigningQuery(ListQuery):
    status = fields.String(validate=validate.OneOf(["pending", "signed", "expired", "withdrawn"]))


class SignBody(Schema):
    full_name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    agree = Bool(required=True)


class SigningRequestOut(Schema):
    id = fields.String()
    document_id = fields.String()
    dossier_id = fields.String()
    title = fields.String()
    status = fields.String(metadata={"enum": ["pending", "signed", "expired", "withdrawn"]})
    signer = fields.Dict()
    created_at = fields.DateTime()
    expires_at = fields.DateTime()
    signed_at = fields.DateTime(allow_none=True)
    signed_document_id = fields.String(allow_none=True)


class Signed(Schema):
    status = fields.String(required=True, metadata={"enum": ["signed"]})
    signed_document_id = fields.String(required=True)


class Evidence(Schema):
    document_sha256 = fields.String(metadata={"description": "of the document as offered"})
    signed_document_sha256 = fields.String()
    signer = fields.Raw(metadata={"description": "who signed (name as typed, account)"})
    signed_at = fields.String(metadata={"description": "ISO 8601"})
    ip = fields.String(allow_none=True)
    user_agent = fields.String(allow_none=True)
    auth = fields.Raw(metadata={"description": "how the signer had signed in"})
    seal = fields.Raw(
        allow_none=True, metadata={"description": "the platform's seal over the evidence"}
    )
    evidence = fields.Dict(metadata={"description": "the whole record, as sealed"})


class VerifyOut(Schema):
    valid = fields.Boolean()
    signed_by = fields.String(allow_none=True, metadata={"description": "the signer's name"})
    signed_at = fields.DateTime(allow_none=True)
    document_sha256 = fields.String(metadata={"description": "of the file checked"})
    original_sha256 = fields.String(metadata={"description": "of the document as offered"})
    sealed_by = fields.String(metadata={"description": "the platform certificate's name"})


# -- messages ---------------------------------------------------------------------------
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


# -- questionnaires ------------------------------------------------------------------------
class QuestionIn(Schema):
    OPENAPI = {
        "oneOf": [
            {"properties": {"type": {"enum": ["choice"]}}, "required": ["options"]},
            {
                "properties": {"type": {"enum": ["text", "number", "date", "yes_no"]}},
                "not": {"required": ["options"]},
            },
        ]
    }
    key = fields.String(
        required=True,
        validate=validate.Regexp(
            r"^[a-z0-9_]{1,40}\Z", error="Use 1 to 40 characters: a-z, 0-9 or _."
        ),
        metadata={"description": "unique in the template; names the answer"},
    )
    label = fields.String(required=True, validate=validate.Length(min=1, max=300))
    type = fields.String(
        required=True, validate=validate.OneOf(["text", "number", "date", "yes_no", "choice"])
    )
    required = Bool(load_default=False)
    options = fields.List(
        fields.String(validate=validate.Length(min=1, max=200)),
        validate=validate.Length(min=1, max=30),
        metadata={"description": "choice questions only: distinct texts", "uniqueItems": True},
    )


class QuestionPageIn(Schema):
    title = fields.String(required=True, validate=validate.Length(min=1, max=200))
    questions = fields.List(
        fields.Nested(QuestionIn), required=True, validate=validate.Length(min=1, max=50)
    )


class TemplateBody(Schema):
    office_id = fields.String(
        load_default=None,
        allow_none=True,
        validate=validate.Length(min=1, max=36),
        metadata={"description": "required for staff of several offices"},
    )
    title = fields.String(required=True, validate=validate.Length(min=1, max=200))
    pages = fields.List(
        fields.Nested(QuestionPageIn), required=True, validate=validate.Length(min=1, max=20)
    )


class TemplateOut(Schema):
    id = fields.String()
    office_id = fields.String()
    title = fields.String()
    pages = fields.List(fields.Dict(), metadata={"description": "[{title, questions}]"})
    created_at = fields.DateTime()


class TemplateQuery(ListQuery):
    office_id = fields.String(validate=validate.Length(min=1, max=36))


class AssignBody(Schema):
    template_id = fields.String(required=True, validate=validate.Length(min=1, max=36))


class QuestionnaireOut(Schema):
    id = fields.String()
    dossier_id = fields.String()
    template_id = fields.String()
    title = fields.String()
    status = fields.String(metadata={"enum": ["open", "completed"]})
    pages = fields.List(
        fields.Dict(),
        metadata={"description": "the template's pages, as they were when it was assigned"},
    )
    answers = fields.Dict(metadata={"description": "{key: value} saved so far"})
    last_saved_page = fields.Integer(
        metadata={
            "description": "the furthest page saved (0: none yet): where the client carries on"
        }
    )
    document_id = fields.String(
        allow_none=True, metadata={"description": "the PDF, once completed"}
    )
    created_at = fields.DateTime()
    completed_at = fields.DateTime(allow_none=True)


class PageAnswersBody(Schema):
    answers = fields.Dict(
        keys=fields.String(validate=validate.Length(min=1, max=40)),
        required=True,
        metadata={
            "description": "{key: value}: text a string, number a number, "
            "date YYYY-MM-DD, yes_no a boolean, choice one of the options; "
            "null leaves it unanswered"
        },
    )


class CompletedOut(Schema):
    document_id = fields.String(required=True)
