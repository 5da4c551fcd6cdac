"""The caller's own account: the second sign-in step, the start page, news preferences."""

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from .common import Bool


class SecondStepBody(Schema):
    OPENAPI = {"oneOf": [{"required": ["code"]}, {"required": ["recovery_code"]}]}
    challenge_id = fields.String(required=True, validate=validate.Length(min=1, max=36))
    code = fields.String(validate=validate.Regexp(r"^\d{6}$", error="Not a valid code."))
    recovery_code = fields.String(validate=validate.Length(min=1, max=20))

    @validates_schema
    def one_of(self, data, **_kwargs):
        if ("code" in data) == ("recovery_code" in data):
            raise ValidationError("Give either code or recovery_code.", "_schema")


class TotpStart(Schema):
    secret = fields.String(required=True, metadata={"description": "base32"})
    otpauth_uri = fields.String(required=True, metadata={"description": "for a QR code"})


class RecoveryCode(Schema):
    recovery_code = fields.String(required=True)


class RecoveryCodes(Schema):
    recovery_codes = fields.List(fields.String(), required=True)


class Home(Schema):
    dossiers = fields.Dict(required=True, metadata={"description": "{in_progress, total}"})
    actions = fields.Integer(
        required=True,
        metadata={"description": "open actions: questionnaires, document requests, signatures"},
    )


class PasswordBody(Schema):
    """The account's password, confirming a change to its own security."""

    password = fields.String(required=True, validate=validate.Length(min=1, max=1024))


class MobileBody(Schema):
    mobile = fields.String(required=True, validate=validate.Length(min=1, max=25))


class Preferences(Schema):
    new_documents = Bool()
    questionnaires = Bool()
    messages = Bool()
