"""Request and response schemas (marshmallow). They validate requests and generate
the OpenAPI document. Requests reject unknown fields (marshmallow's default)."""
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

LANGUAGE = validate.OneOf(["nl", "en"])


class ErrorBody(Schema):
    error = fields.String(required=True, metadata={"description": "stable error code"})
    message = fields.String(required=True, metadata={"description": "in the caller's language"})
    details = fields.Dict(required=True)
    request_id = fields.String(metadata={"description": "on 5xx answers"})


class Health(Schema):
    status = fields.String(required=True)
    services = fields.Dict(keys=fields.String(), values=fields.String(), required=True)


class LoginBody(Schema):
    email = fields.Email(required=True, validate=validate.Length(max=254))
    password = fields.String(required=True, validate=validate.Length(min=1, max=1024))


class SessionToken(Schema):
    token = fields.String(required=True)
    idle_timeout_s = fields.Integer(required=True)
    warning_s = fields.Integer(required=True)


class SessionState(Schema):
    expires_at = fields.DateTime(required=True)
    warn_at = fields.DateTime(required=True)
    idle_timeout_s = fields.Integer(required=True)
    warning_s = fields.Integer(required=True)


class ForgotBody(Schema):
    email = fields.Email(required=True, validate=validate.Length(max=254))


class ResetBody(Schema):
    token = fields.String(required=True, validate=validate.Length(min=1, max=200))
    password = fields.String(required=True, validate=validate.Length(min=1, max=1024))


class Office(Schema):
    id = fields.String()
    name = fields.String()
    city = fields.String()
    role = fields.String()


class Me(Schema):
    id = fields.String(required=True)
    kind = fields.String(required=True, metadata={"enum": ["admin", "staff", "client"]})
    name = fields.String()
    email = fields.String()
    mobile = fields.String(allow_none=True)
    language = fields.String(validate=LANGUAGE)
    first_login = fields.Boolean()
    offices = fields.List(fields.Nested(Office))
    active_office_id = fields.String(allow_none=True)


class MePatch(Schema):
    language = fields.String(validate=LANGUAGE)
    name = fields.String(validate=validate.Length(min=1, max=200))


class ListQuery(Schema):
    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=200))
    cursor = fields.String(load_default=None, allow_none=True)


class NotificationQuery(ListQuery):
    status = fields.String(validate=validate.OneOf([
        "created", "sending", "delivered", "temporary-failure", "permanent-failure",
        "technical-failure"]))


class ItemList(Schema):
    items = fields.List(fields.Dict(), required=True)
    next_cursor = fields.String(allow_none=True, required=True)


# -- offices and staff -----------------------------------------------------------------
ROLE = validate.OneOf(["owner", "staff_manager", "staff"])
VERSION = validate.Regexp(r"^\d{1,4}(\.\d{1,4}){0,3}$", error="Not a valid version.")


class OfficeBody(Schema):
    partner_id = fields.String(required=True, validate=[
        validate.Length(min=1, max=50),
        validate.Regexp(r"^[A-Za-z0-9][A-Za-z0-9._-]*$", error="Not a valid partner ID.")])
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


class ActiveOfficeBody(Schema):
    office_id = fields.String(required=True, validate=validate.Length(min=1, max=36))


# -- registrations and devices -----------------------------------------------------------
class DeviceInfo(Schema):
    public_key = fields.String(required=True, validate=validate.Length(min=40, max=64),
                               metadata={"description": "base64 of the raw 32-byte Ed25519 key"})
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
    challenge = fields.String(metadata={"description": "once approved"})


class IdentifyBody(Schema):
    partner_id = fields.String(required=True, validate=validate.Length(min=1, max=50))
    email = fields.Email(validate=validate.Length(max=254))
    mobile = fields.String(validate=validate.Length(min=1, max=25))

    @validates_schema
    def one_contact(self, data, **_kwargs):
        if ("email" in data) == ("mobile" in data):
            raise ValidationError("Give either email or mobile.", "_schema")


class CodeBody(Schema):
    code = fields.String(required=True, validate=validate.Regexp(r"^\d{6}$",
                                                                 error="Not a valid code."))


class SignatureBody(Schema):
    signature = fields.String(required=True, validate=validate.Length(min=1, max=200),
                              metadata={"description": "base64 Ed25519 signature"})


class RejectBody(Schema):
    reason = fields.String(required=True, validate=validate.Length(min=1, max=500))


class DeviceIdBody(Schema):
    device_id = fields.String(required=True, validate=validate.Length(min=1, max=36))


class DeviceLoginBody(DeviceIdBody):
    challenge = fields.String(required=True, validate=validate.Length(min=1, max=64))
    signature = fields.String(required=True, validate=validate.Length(min=1, max=200))


class AppLoginApproveBody(DeviceIdBody):
    signature = fields.String(required=True, validate=validate.Length(min=1, max=200))


class AppLogin(Schema):
    login_id = fields.String()
    pairing_code = fields.String()
    expires_in = fields.Integer()


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
    shared = fields.Boolean(load_default=None, allow_none=True, metadata={
        "description": "consent to share with this office; default true when the office "
                       "creates the client, false when the admin does"})


class ClientPatch(Schema):
    name = fields.String(validate=validate.Length(min=1, max=200))
    email = fields.Email(validate=validate.Length(max=254))
    mobile = fields.String(allow_none=True, validate=validate.Length(max=25))
    language = fields.String(validate=LANGUAGE)


class ClientOut(Schema):
    id = fields.String()
    office_id = fields.String()
    type = fields.String()
    name = fields.String()
    email = fields.String()
    mobile = fields.String(allow_none=True)
    language = fields.String()
    shared = fields.Boolean()
    created_at = fields.DateTime()


class ClientQuery(ListQuery):
    q = fields.String(validate=validate.Length(max=100))


class ConsentBody(Schema):
    shared = fields.Boolean(required=True, truthy={True}, falsy={False})


class Invitation(Schema):
    status = fields.String(metadata={"enum": ["not_invited", "sent", "accepted"]})
    sent_at = fields.DateTime(allow_none=True)
    accepted_at = fields.DateTime(allow_none=True)


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
    status = fields.String(load_default="in_progress",
                           validate=validate.OneOf(["in_progress", "closed", "all"]))


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
    unread = fields.Dict(metadata={"description": "in lists: {documents, correspondence, "
                                   "messages} not yet opened by the caller"})
    tabs = fields.Dict(metadata={"description": "GET one: {documents: {total, unread}, "
                                 "correspondence: {total, unread}, delivered_by_me: {total}, "
                                 "messages: {total, unread}}"})


# -- products, applications, extra accounts, second step ----------------------------------
class ProductBody(Schema):
    kind = fields.String(required=True, validate=validate.OneOf(["mortgage", "life_insurance"]))
    provider = fields.String(validate=validate.Length(min=1, max=100))
    number = fields.String(validate=validate.Length(min=1, max=50))
    amount_cents = fields.Integer(strict=True, validate=validate.Range(min=0, max=10 ** 12))
    start_date = fields.Date()


class ApplicationBody(Schema):
    amount_cents = fields.Integer(required=True, strict=True,
                                  validate=validate.Range(min=1, max=10 ** 12))
    lender = fields.String(validate=validate.Length(min=1, max=100))


class ApplicationPatch(Schema):
    status = fields.String(required=True, validate=validate.OneOf(
        ["running", "approved", "rejected", "withdrawn"]))


class ApplicationQuery(ListQuery):
    status = fields.String(load_default="running", validate=validate.OneOf(
        ["running", "approved", "rejected", "withdrawn", "all"]))


class ExtraAccountBody(Schema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    email = fields.Email(required=True, validate=validate.Length(max=254))
    mobile = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=25))
    language = fields.String(load_default="nl", validate=LANGUAGE)


class SecondStepBody(Schema):
    challenge_id = fields.String(required=True, validate=validate.Length(min=1, max=36))
    code = fields.String(validate=validate.Regexp(r"^\d{6}$", error="Not a valid code."))
    recovery_code = fields.String(validate=validate.Length(min=1, max=20))

    @validates_schema
    def one_of(self, data, **_kwargs):
        if ("code" in data) == ("recovery_code" in data):
            raise ValidationError("Give either code or recovery_code.", "_schema")


class MobileBody(Schema):
    mobile = fields.String(required=True, validate=validate.Length(min=1, max=25))


class Preferences(Schema):
    new_documents = fields.Boolean(truthy={True}, falsy={False})
    questionnaires = fields.Boolean(truthy={True}, falsy={False})
    messages = fields.Boolean(truthy={True}, falsy={False})


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
    message_id = fields.String(allow_none=True, metadata={
        "description": "answer_message: the client's message that opened it"})
    status = fields.String(metadata={"enum": ["open", "done"]})
    created_at = fields.DateTime()
    done_at = fields.DateTime(allow_none=True)
    done_by = fields.String(allow_none=True, metadata={"description": "account id"})


class TaskList(Schema):
    items = fields.List(fields.Nested(TaskOut), required=True)
    next_cursor = fields.String(allow_none=True, required=True)


# -- documents and document requests ----------------------------------------------------
FORM_TRUE, FORM_FALSE = {"true", "1", "on", "yes"}, {"false", "0", "off", "no"}


class DocumentForm(Schema):
    """The form fields that come with the `file` part of a document upload."""
    category = fields.String(required=True,
                             validate=validate.OneOf(["document", "correspondence"]))
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
    category = fields.String(metadata={"enum": ["document", "correspondence",
                                                "delivered_by_me"]})
    public = fields.Boolean()
    request_id = fields.String(allow_none=True)
    uploaded_by = fields.Dict()
    created_at = fields.DateTime()
    downloaded = fields.Boolean(metadata={"description": "by the caller"})


class AttachmentOut(Schema):
    id = fields.String()
    name = fields.String()
    size = fields.Integer()
    content_type = fields.String()
    sha256 = fields.String()


class DocumentQuery(ListQuery):
    category = fields.String(validate=validate.OneOf(["document", "correspondence",
                                                      "delivered_by_me"]))


class DocumentPatch(Schema):
    public = fields.Boolean(required=True, truthy={True}, falsy={False})


class RequestBody(Schema):
    title = fields.String(required=True, validate=validate.Length(min=1, max=200))
    description = fields.String(load_default=None, allow_none=True,
                                validate=validate.Length(max=2000))
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
    decision = fields.String(required=True, validate=validate.OneOf(["approve", "reject"]))
    reason = fields.String(load_default=None, allow_none=True,
                           validate=validate.Length(max=1000))

    @validates_schema
    def reason_to_reject(self, data, **_kwargs):
        if data.get("decision") == "reject" and not (data.get("reason") or "").strip():
            raise ValidationError("Required to reject.", "reason")


# -- signing ---------------------------------------------------------------------------------
class SigningOffer(Schema):
    signer_id = fields.String(required=True, validate=validate.Length(min=1, max=36),
                              metadata={"description": "a client of the dossier"})


class SigningQuery(ListQuery):
    status = fields.String(validate=validate.OneOf(["pending", "signed", "expired",
                                                    "withdrawn"]))


class SignBody(Schema):
    full_name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    agree = fields.Boolean(required=True, truthy={True}, falsy={False})


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

    def _deserialize(self, value, attr, data, **kwargs):
        return super()._deserialize(value, attr, data, **kwargs).strip()


def _attachment_ids_field():
    return fields.List(fields.String(validate=validate.Length(min=1, max=36)),
                       load_default=list, validate=validate.Length(max=10),
                       metadata={"description": "ids from POST /dossiers/{id}/attachments"})


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
    direction = fields.String(metadata={"enum": ["incoming", "outgoing"],
                                        "description": "from the caller's side"})
    read = fields.Boolean(metadata={"description": "outgoing: the other side read it; "
                                    "incoming: the caller's side read it"})
    read_at = fields.DateTime(allow_none=True)
    sender = fields.Dict(metadata={"description": "{id, kind: client|staff}"})
    attachments = fields.List(fields.Nested(AttachmentOut),
                              metadata={"description": "documents of the dossier"})
    created_at = fields.DateTime()


class MessageList(Schema):
    items = fields.List(fields.Nested(MessageOut), required=True)
    next_cursor = fields.String(allow_none=True, required=True)


# -- questionnaires ------------------------------------------------------------------------
class QuestionIn(Schema):
    key = fields.String(required=True, validate=validate.Regexp(
        r"^[a-z0-9_]{1,40}\Z", error="Use 1 to 40 characters: a-z, 0-9 or _."),
        metadata={"description": "unique in the template; names the answer"})
    label = fields.String(required=True, validate=validate.Length(min=1, max=300))
    type = fields.String(required=True, validate=validate.OneOf(
        ["text", "number", "date", "yes_no", "choice"]))
    required = fields.Boolean(load_default=False, truthy={True}, falsy={False})
    options = fields.List(fields.String(validate=validate.Length(min=1, max=200)),
                          validate=validate.Length(min=1, max=30),
                          metadata={"description": "choice questions only: distinct texts"})


class QuestionPageIn(Schema):
    title = fields.String(required=True, validate=validate.Length(min=1, max=200))
    questions = fields.List(fields.Nested(QuestionIn), required=True,
                            validate=validate.Length(min=1, max=50))


class TemplateBody(Schema):
    office_id = fields.String(load_default=None, allow_none=True,
                              validate=validate.Length(min=1, max=36), metadata={
                                  "description": "required for staff of several offices"})
    title = fields.String(required=True, validate=validate.Length(min=1, max=200))
    pages = fields.List(fields.Nested(QuestionPageIn), required=True,
                        validate=validate.Length(min=1, max=20))


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
    pages = fields.List(fields.Dict(), metadata={"description": "the template's pages, "
                                                 "as they were when it was assigned"})
    answers = fields.Dict(metadata={"description": "{key: value} saved so far"})
    document_id = fields.String(allow_none=True, metadata={"description": "the PDF, once "
                                                           "completed"})
    created_at = fields.DateTime()
    completed_at = fields.DateTime(allow_none=True)


class PageAnswersBody(Schema):
    answers = fields.Dict(keys=fields.String(validate=validate.Length(min=1, max=40)),
                          required=True, metadata={
                              "description": "{key: value}: text a string, number a number, "
                              "date YYYY-MM-DD, yes_no a boolean, choice one of the options; "
                              "null leaves it unanswered"})


class CompletedOut(Schema):
    document_id = fields.String(required=True)
