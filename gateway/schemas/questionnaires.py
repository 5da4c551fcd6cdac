"""Questionnaire templates, assigned questionnaires and their answers."""

from marshmallow import Schema, fields, validate

from .common import Bool, ListQuery


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
        # the document's pattern in JSON Schema's (ECMA) syntax: `$`, as `\Z` is Python's
        metadata={
            "description": "unique in the template; names the answer",
            "pattern": "^[a-z0-9_]{1,40}$",
        },
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
