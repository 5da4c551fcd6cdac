"""Documents and document requests."""

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from services.documents.inspection import EXTENSIONS

from .common import Bool, ListQuery, Raw

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


# The validity table's types (services/documents/validity.py; their periods are set there).
DOCUMENT_TYPES = ["employer_statement", "payslip", "structural_survey", "valuation_report"]


class RequestBody(Schema):
    title = fields.String(required=True, validate=validate.Length(min=1, max=200))
    description = fields.String(
        load_default=None, allow_none=True, validate=validate.Length(max=2000)
    )
    deliver_by = fields.String(required=True, validate=validate.OneOf(["client", "lender"]))
    due_date = fields.Date(load_default=None, allow_none=True)
    document_type = fields.String(
        load_default=None,
        allow_none=True,
        validate=validate.OneOf(DOCUMENT_TYPES),
        metadata={
            "description": "a type of the validity table (docs/integrations.md): what is "
            "delivered for the request goes stale"
        },
    )


REQUEST_STATUSES = ["open", "uploaded", "approved", "rejected", "provisional", "lapsed"]
REQUEST_STATUS = validate.OneOf(REQUEST_STATUSES)


class RequestOut(Schema):
    id = fields.String()
    dossier_id = fields.String()
    title = fields.String()
    description = fields.String(allow_none=True)
    deliver_by = fields.String(
        metadata={
            "enum": ["client", "lender", "source"],
            "description": "source: an HDN item fetched from a data source, for information",
        }
    )
    due_date = fields.Date(allow_none=True)
    status = fields.String(metadata={"enum": REQUEST_STATUSES})
    reason = fields.String(allow_none=True, metadata={"description": "of a rejection"})
    document_ids = fields.List(fields.String())
    document_type = fields.String(allow_none=True)
    valid_until = fields.DateTime(
        allow_none=True,
        metadata={
            "description": "when the latest delivery goes stale (its document type's "
            "validity); past it, before a decision, the request goes back to the client"
        },
    )
    lender_status = fields.String(
        allow_none=True,
        metadata={
            "enum": ["to_deliver", "approved", "provisionally_approved", "rejected", "lapsed"],
            "description": "an HDN item's DocumentStatus",
        },
    )
    hdn_code = fields.String(allow_none=True, metadata={"description": "SoortDocument"})
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
