"""Registering the app on a device, signing in with it, and the devices of an account."""

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

VERSION = validate.Regexp(r"^\d{1,4}(\.\d{1,4}){0,3}$", error="Not a valid version.")


SIGNED = (
    "Ed25519 over the UTF-8 bytes of {what}, exactly as received (no newline, no "
    "hashing first), with the device's key; sent as standard base64 (with padding) of "
    "the 64-byte signature"
)


class DeviceInfo(Schema):
    public_key = fields.String(
        required=True,
        validate=validate.Regexp(r"^[A-Za-z0-9+/]{43}=$", error="Not a valid Ed25519 public key."),
        metadata={"description": "base64 of the raw 32-byte Ed25519 key"},
    )
    name = fields.String(required=True, validate=validate.Length(min=1, max=100))
    platform = fields.String(required=True, validate=validate.OneOf(["ios", "android"]))
    os_version = fields.String(required=True, validate=VERSION)
    app_version = fields.String(required=True, validate=VERSION)


class RegistrationBody(Schema):
    device = fields.Nested(DeviceInfo, required=True)


class Registration(Schema):
    id = fields.String()
    status = fields.String()
    display_name = fields.String()
    attempts_left = fields.Integer()
    challenge = fields.String(
        metadata={
            "description": "once approved; the device signs it "
            "for /complete: " + SIGNED.format(what="this string")
        }
    )


class IdentifyBody(Schema):
    OPENAPI = {"oneOf": [{"required": ["email"]}, {"required": ["mobile"]}]}
    partner_id = fields.String(required=True, validate=validate.Length(min=1, max=50))
    email = fields.Email(validate=validate.Length(max=254))
    mobile = fields.String(validate=validate.Length(min=1, max=25))

    @validates_schema
    def one_contact(self, data, **_kwargs):
        if ("email" in data) == ("mobile" in data):
            raise ValidationError("Give either email or mobile.", "_schema")


class CodeBody(Schema):
    code = fields.String(
        required=True, validate=validate.Regexp(r"^\d{6}$", error="Not a valid code.")
    )


class SignatureBody(Schema):
    signature = fields.String(
        required=True,
        validate=validate.Length(min=1, max=200),
        metadata={"description": SIGNED.format(what="the registration's `challenge`")},
    )


class RejectBody(Schema):
    reason = fields.String(required=True, validate=validate.Length(min=1, max=500))


class DeviceChallenge(Schema):
    challenge = fields.String(
        required=True,
        metadata={
            "description": "single use; the device signs it: " + SIGNED.format(what="this string"),
            "example": "q8hY2kGZ7Vf0m3yXc1Jt6n0bRrU4eWl9sA5dPzQ1oKI",
        },
    )
    expires_in = fields.Integer(required=True, metadata={"description": "seconds"})


class RegistrationStep(Schema):
    status = fields.String(required=True, metadata={"enum": ["code_sent", "awaiting_approval"]})
    channel = fields.String(
        metadata={"enum": ["email", "sms"], "description": "identify: where the code went"}
    )


class DeviceIdBody(Schema):
    device_id = fields.String(required=True, validate=validate.Length(min=1, max=36))


class DeviceLoginBody(DeviceIdBody):
    challenge = fields.String(
        required=True,
        validate=validate.Length(min=1, max=64),
        metadata={"description": "from /auth/device/challenge"},
    )
    signature = fields.String(
        required=True,
        validate=validate.Length(min=1, max=200),
        metadata={"description": SIGNED.format(what="`challenge`")},
    )


class AppLoginApproveBody(DeviceIdBody):
    signature = fields.String(
        required=True,
        validate=validate.Length(min=1, max=200),
        metadata={
            "description": SIGNED.format(
                what="the pairing code, upper case, letters and digits only"
            )
        },
    )


class AppLoginLookupBody(DeviceIdBody):
    pairing_code = fields.String(required=True, validate=validate.Length(min=1, max=32))
    signature = fields.String(
        required=True,
        validate=validate.Length(min=1, max=200),
        metadata={
            "description": SIGNED.format(what="`pairing_code`, upper case, letters and digits only")
        },
    )


class AppLoginRequest(Schema):
    login_id = fields.String()
    pairing_code = fields.String()
    user_agent = fields.String(allow_none=True, metadata={"description": "the PC's browser"})
    platform = fields.String(
        allow_none=True, metadata={"description": "its system, from the user agent"}
    )
    source_ip = fields.String(allow_none=True)
    source_network = fields.String(allow_none=True, metadata={"description": "IPv4 /24, IPv6 /64"})
    same_network = fields.Boolean(
        metadata={"description": "the PC asks from the app's own network"}
    )
    started_at = fields.DateTime()
    expires_at = fields.DateTime()


class AppLogin(Schema):
    login_id = fields.String()
    pairing_code = fields.String()
    expires_in = fields.Integer()
    poll_secret = fields.String(
        metadata={
            "description": "kept by the browser that asked; sent with every poll of the token"
        }
    )


class AppLoginClaimBody(Schema):
    poll_secret = fields.String(required=True, validate=validate.Length(min=1, max=100))


class Device(Schema):
    id = fields.String()
    name = fields.String()
    platform = fields.String()
    os_version = fields.String()
    app_version = fields.String()
    created_at = fields.DateTime()
    last_used_at = fields.DateTime(allow_none=True)
