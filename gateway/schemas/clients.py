"""Clients, their consent, invitation and activation, link requests, and a company's extra accounts."""

from marshmallow import Schema, fields, validate

from .common import LANGUAGE, Bool, ListQuery


class ClientBody(Schema):
    type = fields.String(required=True, validate=validate.OneOf(["person", "company"]))
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    email = fields.Email(required=True, validate=validate.Length(max=254))
    mobile = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=25))
    language = fields.String(load_default="nl", validate=LANGUAGE)
    shared = Bool(
        load_default=None,
        allow_none=True,
        metadata={
            "description": "consent to share with this office; default true when the office "
            "creates the client, false when the admin does"
        },
    )


class ClientPatch(Schema):
    name = fields.String(validate=validate.Length(min=1, max=200))
    email = fields.Email(validate=validate.Length(max=254))
    mobile = fields.String(allow_none=True, validate=validate.Length(max=25))
    language = fields.String(validate=LANGUAGE)


class ClientOut(Schema):
    id = fields.String()
    office_id = fields.String()
    type = fields.String(metadata={"enum": ["person", "company"]})
    parent_id = fields.String(
        allow_none=True,
        metadata={"description": "an extra account of a company: the company's client id"},
    )
    name = fields.String()
    email = fields.String()
    mobile = fields.String(allow_none=True)
    language = fields.String()
    shared = fields.Boolean()
    created_at = fields.DateTime()


class ClientQuery(ListQuery):
    q = fields.String(validate=validate.Length(max=100))


class ConsentBody(Schema):
    shared = Bool(required=True)


class Consent(Schema):
    office_id = fields.String(required=True)
    shared = fields.Boolean(required=True)


class ExtraAccount(ClientOut):
    company_id = fields.String(allow_none=True, metadata={"description": "whose account"})
    invitation = fields.String(metadata={"enum": ["not_invited", "sent", "accepted"]})


class Invitation(Schema):
    status = fields.String(metadata={"enum": ["not_invited", "sent", "accepted"]})
    sent_at = fields.DateTime(allow_none=True)
    accepted_at = fields.DateTime(allow_none=True)
    confirmation_pending = fields.Boolean(
        metadata={
            "description": "an existing portal account redeemed the link; its holder has not "
            "accepted yet, and until then the office sees nothing of it"
        }
    )


class LinkRequest(Schema):
    """An office asks to link its record to the caller's existing account."""

    id = fields.String()
    office_id = fields.String()
    office_name = fields.String()
    name = fields.String()
    type = fields.String()
    company = fields.String(allow_none=True)
    sent_at = fields.DateTime()


class LinkRequestList(Schema):
    items = fields.List(fields.Nested(LinkRequest), required=True)
    next_cursor = fields.String(allow_none=True, required=True)


class LinkAnswer(Schema):
    id = fields.String()
    status = fields.String(metadata={"enum": ["accepted", "not_invited"]})


class CompanyQuery(Schema):
    """The company a main account of several acts for (GET /me `companies`)."""

    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=200))
    cursor = fields.String(load_default=None, allow_none=True)
    company_id = fields.String(load_default=None, validate=validate.Length(min=1, max=36))


class ActivationBody(Schema):
    token = fields.String(required=True, validate=validate.Length(min=1, max=200))
    email = fields.Email(required=True, validate=validate.Length(max=254))


class ActivationCompleteBody(Schema):
    token = fields.String(required=True, validate=validate.Length(min=1, max=200))
    password = fields.String(required=True, validate=validate.Length(min=1, max=1024))
    sms_code = fields.String(validate=validate.Regexp(r"^\d{6}$", error="Not a valid code."))


class ExtraAccountBody(Schema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    email = fields.Email(required=True, validate=validate.Length(max=254))
    mobile = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=25))
    language = fields.String(load_default="nl", validate=LANGUAGE)
    company_id = fields.String(
        load_default=None,
        validate=validate.Length(min=1, max=36),
        metadata={"description": "required of the main account of more than one company"},
    )
