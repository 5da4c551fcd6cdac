"""Signing requests, signatures and their evidence."""

from marshmallow import Schema, fields, validate

from .common import Bool, ListQuery


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
    signer = fields.Raw(
        allow_none=True,
        metadata={"description": "who signed (name as typed, account); null once erased"},
    )
    signed_at = fields.String(metadata={"description": "ISO 8601"})
    ip = fields.String(allow_none=True)
    user_agent = fields.String(allow_none=True)
    auth = fields.Raw(
        allow_none=True,
        metadata={"description": "how the signer had signed in; null once erased"},
    )
    seal = fields.Raw(
        allow_none=True,
        metadata={"description": "the platform's seal over the evidence; null once erased"},
    )
    evidence = fields.Dict(
        allow_none=True,
        metadata={
            "description": "the whole record, as sealed; null once the signer was erased at "
            "the end of the client's retention (docs/privacy.md)"
        },
    )


class VerifyOut(Schema):
    valid = fields.Boolean()
    signed_by = fields.String(
        allow_none=True,
        metadata={"description": "the signer's name; null when not valid or once erased"},
    )
    signed_at = fields.DateTime(allow_none=True)
    document_sha256 = fields.String(metadata={"description": "of the file checked"})
    original_sha256 = fields.String(metadata={"description": "of the document as offered"})
    sealed_by = fields.String(metadata={"description": "the platform certificate's name"})
