"""Offices and their staff."""

from marshmallow import Schema, fields, validate

ROLE = validate.OneOf(["owner", "staff_manager", "staff"])


class OfficeBody(Schema):
    partner_id = fields.String(
        required=True,
        validate=[
            validate.Length(min=1, max=50),
            validate.Regexp(r"^[A-Za-z0-9][A-Za-z0-9._-]*$", error="Not a valid partner ID."),
        ],
    )
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    city = fields.String(required=True, validate=validate.Length(min=1, max=100))
    label = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=100))


class OfficeOut(Schema):
    id = fields.String()
    partner_id = fields.String()
    name = fields.String()
    city = fields.String()
    label = fields.String(allow_none=True)
    role = fields.String(metadata={"description": "the caller's role (staff)"})


class StaffBody(Schema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    email = fields.Email(required=True, validate=validate.Length(max=254))
    mobile = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=25))
    role = fields.String(required=True, validate=ROLE)


class StaffPatch(Schema):
    role = fields.String(required=True, validate=ROLE)


class StaffMember(Schema):
    person_id = fields.String()
    name = fields.String()
    email = fields.String()
    mobile = fields.String(allow_none=True, metadata={"description": "E.164"})
    role = fields.String()
    registration = fields.String(metadata={"enum": ["not_registered", "pending", "registered"]})


class StaffLinkConfirmBody(Schema):
    token = fields.String(
        required=True,
        validate=validate.Length(min=1, max=200),
        metadata={"description": "from the e-mail's link (token=...)"},
    )


class StaffLinkConfirmed(Schema):
    office = fields.Dict(metadata={"description": "{name, partner_id}"})
    role = fields.String()


class ActiveOfficeBody(Schema):
    office_id = fields.String(required=True, validate=validate.Length(min=1, max=36))
