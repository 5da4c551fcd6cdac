"""documents/access.py and signing/access.py over real (in-memory) databases: each
service's predicate for one row and its SQL clause show the same rows, for a table of
callers (dossier's answers given as they would come back over RPC)."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from services.common.context import Principal
from services.common.db import utcnow
from services.common.errors import Forbidden
from services.documents import access as documents_access
from services.documents.models import Document, DocumentRequest
from services.documents.models import metadata as documents_metadata
from services.signing import access as signing_access
from services.signing.models import SigningRequest
from services.signing.models import metadata as signing_metadata

from .conftest import Database


def _document(id, dossier_id, public):
    return Document(
        id=id,
        dossier_id=dossier_id,
        office_id="office-a",
        client_id="ann",
        category="document",
        public=public,
        title=id,
        name="stuk.pdf",
        size=1,
        sha256="0" * 64,
        content_type="application/pdf",
        blob_name=id,
        locked=False,
        uploaded_by="staff-a",
        uploaded_by_kind="staff",
        created_at=utcnow(),
    )


def _request(id, dossier_id, deliver_by):
    now = utcnow()
    return DocumentRequest(
        id=id,
        dossier_id=dossier_id,
        office_id="office-a",
        client_id="ann",
        title=id,
        deliver_by=deliver_by,
        status="open",
        created_by="staff-a",
        created_at=now,
        updated_at=now,
    )


@pytest.fixture
def documents_db():
    database = Database(documents_metadata, "documents")
    with database.unit_of_work() as uow:
        for dossier_id in ("d-1", "d-2"):
            uow.session.add(_document(f"{dossier_id}-shown", dossier_id, True))
            uow.session.add(_document(f"{dossier_id}-hidden", dossier_id, False))
            uow.session.add(_request(f"{dossier_id}-client", dossier_id, "client"))
            uow.session.add(_request(f"{dossier_id}-lender", dossier_id, "lender"))
    yield database
    database.engine.dispose()


@pytest.mark.parametrize(
    "side, documents, requests",
    [
        ("staff", {"d-1-shown", "d-1-hidden"}, {"d-1-client", "d-1-lender"}),
        ("client", {"d-1-shown"}, {"d-1-client"}),
    ],
)
def test_documents_predicate_and_clause_agree(documents_db, side, documents, requests):
    access = {"dossier_id": "d-1", "office_id": "office-a", "client_id": "ann", "as": side}
    with documents_db.unit_of_work() as uow:
        everything = uow.session.scalars(select(Document)).all()
        by_predicate = {d.id for d in everything if documents_access.sees_document(access, d)}
        by_clause = set(
            uow.session.scalars(
                select(Document.id).where(documents_access.documents_clause(access))
            )
        )
        by_requests = set(
            uow.session.scalars(
                select(DocumentRequest.id).where(documents_access.requests_clause(access))
            )
        )
    assert by_predicate == by_clause == documents
    assert by_requests == requests


def _signing_request(id, office_id, dossier_id, signer_account_id):
    now = utcnow()
    return SigningRequest(
        id=id,
        document_id=f"doc-{id}",
        dossier_id=dossier_id,
        office_id=office_id,
        title=id,
        document_sha256="0" * 64,
        signer_client_id="ann",
        signer_account_id=signer_account_id,
        signer_name="Ann",
        signer_email="a@b.nl",
        language="nl",
        office_name=office_id,
        dossier_number=dossier_id,
        status="pending",
        created_by="staff",
        created_at=now,
        expires_at=now + timedelta(days=14),
    )


@pytest.fixture
def signing_db():
    database = Database(signing_metadata, "signing")
    with database.unit_of_work() as uow:
        for id, office, dossier, signer in (
            ("ann-a", "office-a", "d-a", "acc-ann"),
            ("ann-b", "office-b", "d-b", "acc-ann"),
            ("bob-a", "office-a", "d-bob", "acc-bob"),
        ):
            uow.session.add(_signing_request(id, office, dossier, signer))
    yield database
    database.engine.dispose()


STAFF_A = Principal(account_id="staff-a", kind="staff", offices={"office-a": "staff"})
LOOKING = Principal(
    account_id="acc-ann", kind="client", scope_office_id="office-a", looked_along_by="staff-a"
)
SIGNING_CASES = [  # (who, principal, the dossiers dossier says they see, expected)
    ("the signer", Principal(account_id="acc-ann", kind="client"), None, {"ann-a", "ann-b"}),
    ("the signer looked along by A", LOOKING, ["d-a"], {"ann-a"}),
    ("the same, once Ann stopped sharing with A", LOOKING, [], set()),
    ("staff of A", STAFF_A, ["d-a", "d-bob"], {"ann-a", "bob-a"}),
    ("staff of A, Bob no longer sharing", STAFF_A, ["d-a"], {"ann-a"}),
]


@pytest.mark.parametrize(
    "who, principal, dossier_ids, expected", SIGNING_CASES, ids=[c[0] for c in SIGNING_CASES]
)
def test_signing_predicate_with_consent_and_clause_agree(
    signing_db, who, principal, dossier_ids, expected
):
    consent_bound = signing_access.consent_bound(principal)
    assert consent_bound == (dossier_ids is not None)
    with signing_db.unit_of_work() as uow:
        everything = uow.session.scalars(select(SigningRequest)).all()
        by_predicate = {
            r.id
            for r in everything
            if signing_access.sees_request(principal, r)
            and (not consent_bound or r.dossier_id in dossier_ids)
        }
        by_clause = set(
            uow.session.scalars(
                select(SigningRequest.id).where(
                    *signing_access.requests_clause(principal, dossier_ids)
                )
            )
        )
    assert by_predicate == by_clause == expected


def test_the_admin_sees_no_signing_request():
    admin = Principal(account_id="admin", kind="admin")
    item = _signing_request("x", "office-a", "d-a", "acc-ann")
    assert not signing_access.sees_request(admin, item)
    with pytest.raises(Forbidden):
        signing_access.requests_clause(admin)
