"""Dossiers, and the products and applications in them."""

from marshmallow import Schema, fields, validate

from .common import ListQuery

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
