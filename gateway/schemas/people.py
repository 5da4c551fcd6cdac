"""Offices, staff, registrations and devices, clients, consent, invitations,
dossiers, products."""

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from .common import LANGUAGE, Bool, ListQuery  # noqa: F401

# -- offices and staff -----------------------------------------------------------------
ROLE = validate.OneOf(["owner", "staff_manager", "staff"])
VERSION = validate.Regexp(r"^\d{1,4}(\.\d{1,4}){0,3}$", error="Not a valid version.")


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


# -- registrations and devices -----------------------------------------------------------
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


# -- clients, consent, invitation, dossiers ----------------------------------------------
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


DOSSIER_STATUS = validate.OneOf(["in_progress", "closed"])


class DossierBody(Schema):
    number = fields.String(required=True, validate=validate.Length(min=1, max=50))
    description = fields.String(required=True, validate=validate.Length(min=1, max=500))
    status = fields.String(load_default="in_progress", validate=DOSSIER_STATUS)


class DossierPatch(Schema):
    status = fields.String(validate=DOSSIER_STATUS)
    description = fields.String(validate=validate.Length(min=1, max=500))


class DossierQuery(ListQuery):
    q = fields.String(validate=validate.Length(max=100))
    status = fields.String(
        load_default="in_progress", validate=validate.OneOf(["in_progress", "closed", "all"])
    )


class DossierOut(Schema):
    id = fields.String()
    number = fields.String()
    description = fields.String()
    status = fields.String()
    client_id = fields.String()
    client_name = fields.String()
    office_id = fields.String()
    created_at = fields.DateTime()
    updated_at = fields.DateTime()
    unread = fields.Dict(
        metadata={
            "description": "in lists: {documents, correspondence, "
            "messages} not yet opened by the caller"
        }
    )
    tabs = fields.Dict(
        metadata={
            "description": "GET one: {documents: {total, unread}, "
            "correspondence: {total, unread}, delivered_by_me: {total}, "
            "messages: {total, unread}}"
        }
    )


# -- products, applications, extra accounts, second step ----------------------------------
class ProductBody(Schema):
    kind = fields.String(required=True, validate=validate.OneOf(["mortgage", "life_insurance"]))
    provider = fields.String(validate=validate.Length(min=1, max=100))
    number = fields.String(validate=validate.Length(min=1, max=50))
    amount_cents = fields.Integer(strict=True, validate=validate.Range(min=0, max=10**12))
    start_date = fields.Date()


class ProductOut(Schema):
    id = fields.String()
    client_id = fields.String()
    kind = fields.String(metadata={"enum": ["mortgage", "life_insurance"]})
    provider = fields.String(allow_none=True)
    number = fields.String(allow_none=True)
    amount_cents = fields.Integer(allow_none=True)
    start_date = fields.Date(allow_none=True)
    created_at = fields.DateTime()


class ApplicationOut(Schema):
    id = fields.String()
    client_id = fields.String()
    client_name = fields.String()
    office_id = fields.String()
    amount_cents = fields.Integer()
    lender = fields.String(allow_none=True)
    status = fields.String(metadata={"enum": ["running", "approved", "rejected", "withdrawn"]})
    created_at = fields.DateTime()
    updated_at = fields.DateTime()


class ApplicationBody(Schema):
    amount_cents = fields.Integer(
        required=True, strict=True, validate=validate.Range(min=1, max=10**12)
    )
    lender = fields.String(validate=validate.Length(min=1, max=100))


class ApplicationPatch(Schema):
    status = fields.String(
        required=True, validate=validate.OneOf(["running", "approved", "rejected", "withdrawn"])
    )


class ApplicationQuery(ListQuery):
    status = fields.String(
        load_default="running",
        validate=validate.OneOf(["running", "approved", "rejected", "withdrawn", "all"]),
    )


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
