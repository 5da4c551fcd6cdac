"""The RPC arguments signing checks itself (the gateway checks them first with its own
schemas; these hold for every other caller too). Apply one with `services.common.schemas.load`.

Whether the signer agreed and typed their own name are answers of their own
(AgreementRequired, NameMismatch: signature.begin), not malformed input: `agree` False
and any text as the name pass here."""

from marshmallow import Schema, fields, validate

from services.common.schemas import StrictBool, between, one_of

from .states import SigningRequestStates as States

STATUSES = (States.PENDING, States.SIGNED, States.EXPIRED, States.WITHDRAWN)
SIGNER_ID_MAX = 36
NAME_MAX = 200


class Offer(Schema):
    """The signer: a client of the document's dossier, by id."""

    signer_id = fields.String(
        required=True,
        validate=validate.Length(min=1, max=SIGNER_ID_MAX, error=between(1, SIGNER_ID_MAX)),
    )


class Signing(Schema):
    """The name as the signer typed it, and their agreement."""

    full_name = fields.String(required=True, validate=validate.Length(max=NAME_MAX))
    agree = StrictBool(required=True)


class RequestFilter(Schema):
    """None: every status."""

    status = fields.String(
        allow_none=True,
        validate=validate.OneOf(STATUSES, error=one_of(STATUSES)),
        error_messages={"invalid": one_of(STATUSES)},
    )
