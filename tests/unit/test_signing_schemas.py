"""services/signing/schemas.py through services.common.schemas.load, and the use cases
that apply them over a real (in-memory) database: malformed arguments are
ValidationFailed (400 `validation_error` at the gateway) before anything is read or
changed, while a signer who did not agree or typed another name still gets
AgreementRequired or NameMismatch (the schema leaves those answers to signature.begin)."""

from datetime import timedelta

import pytest

from services.common.context import Principal
from services.common.db import utcnow
from services.common.errors import ValidationFailed
from services.common.schemas import load
from services.signing import offers, schemas, signature
from services.signing.exceptions import AgreementRequired, NameMismatch
from services.signing.models import SigningRequest, metadata

from .conftest import Database

STATUS = ["Must be one of: pending, signed, expired, withdrawn."]

GOOD = [
    (schemas.Offer(), {"signer_id": "c" * 36}, {"signer_id": "c" * 36}),
    (schemas.Signing(), {"full_name": "", "agree": False}, {"full_name": "", "agree": False}),
    (
        schemas.Signing(),
        {"full_name": "n" * 200, "agree": True},
        {
            "full_name": "n" * 200,
            "agree": True,
        },
    ),
    (schemas.RequestFilter(), {"status": None}, {"status": None}),
    (schemas.RequestFilter(), {"status": "withdrawn"}, {"status": "withdrawn"}),
]

BAD = [
    (schemas.Offer(), {"signer_id": ""}, {"signer_id": ["Length must be between 1 and 36."]}),
    (schemas.Offer(), {"signer_id": "c" * 37}, {"signer_id": ["Length must be between 1 and 36."]}),
    (schemas.Offer(), {"signer_id": None}, {"signer_id": ["Field may not be null."]}),
    (
        schemas.Signing(),
        {"full_name": 5, "agree": "yes"},
        {"full_name": ["Not a valid string."], "agree": ["Not a valid boolean."]},
    ),
    (
        schemas.Signing(),
        {"full_name": "n" * 201, "agree": None},
        {"full_name": ["Longer than maximum length 200."], "agree": ["Not a valid boolean."]},
    ),
    (schemas.RequestFilter(), {"status": "open"}, {"status": STATUS}),
    (schemas.RequestFilter(), {"status": 3}, {"status": STATUS}),
]


@pytest.mark.parametrize(("schema", "data", "loaded"), GOOD)
def test_good_input_is_loaded_clean(schema, data, loaded):
    assert load(schema, data) == loaded


@pytest.mark.parametrize(("schema", "data", "details"), BAD)
def test_bad_input_names_each_field(schema, data, details):
    with pytest.raises(ValidationFailed) as refused:
        load(schema, data)
    assert refused.value.details == details
    assert refused.value.code == "validation_error"


SIGNER = Principal(account_id="acc-ann", kind="client")


@pytest.fixture
def db():
    database = Database(metadata, "signing")
    now = utcnow()
    with database.unit_of_work() as uow:
        uow.session.add(
            SigningRequest(
                id="sr-1",
                document_id="doc-1",
                dossier_id="dos-1",
                office_id="office-a",
                title="Jaarrekening",
                document_sha256="0" * 64,
                signer_client_id="ann",
                signer_account_id="acc-ann",
                signer_name="Ann de Vries",
                signer_email="ann@example.org",
                language="nl",
                office_name="Kantoor A",
                dossier_number="2026-001",
                status="pending",
                created_by="staff-a",
                created_at=now,
                expires_at=now + timedelta(days=14),
            )
        )
    return database


@pytest.mark.parametrize(
    ("full_name", "agree", "refusal"),
    [
        (None, True, ValidationFailed),
        ("Ann de Vries", "yes", ValidationFailed),
        ("Ann de Vries", False, AgreementRequired),
        ("Bob", True, NameMismatch),
    ],
)
def test_signing_refuses_malformed_input_apart_from_a_missing_agreement(
    db, full_name, agree, refusal
):
    with db.unit_of_work() as uow, pytest.raises(refusal):
        signature.begin(uow, SIGNER, "sr-1", full_name, agree)
    assert db.get(SigningRequest, "sr-1").signing_started_at is None


def test_signing_begins_with_good_input(db):
    with db.unit_of_work() as uow:
        attempt = signature.begin(uow, SIGNER, "sr-1", "  ann DE vries ", True)
    assert attempt["document_id"] == "doc-1"
    assert db.get(SigningRequest, "sr-1").signing_started_at is not None


def test_the_list_is_filtered_by_a_known_status_only(db):
    with db.unit_of_work() as uow, pytest.raises(ValidationFailed) as refused:
        offers.list_for(uow, None, SIGNER, status="open")
    assert refused.value.details == {"status": STATUS}
