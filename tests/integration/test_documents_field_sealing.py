"""The client's names and titles in documents (issue #18, docs/privacy.md), on a migrated
database of each backend: a document's title and file name, an upload's file name, a
request's description and reason are stored only sealed under the client's field key;
`shred_client` destroys it with the blob keys, so those fields, and copies of them made
before, no longer open, while the rest of the rows stays."""

from datetime import timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import text

from services.common.db import utcnow
from services.common.field_sealing import FieldKeyShredded
from services.common.migrate import upgrade
from services.common.sealed_columns import key_for_owner
from services.common.unit_of_work import unit_of_work
from services.documents import client_keys
from services.documents.models import (
    ClientFieldKey,
    Document,
    DocumentRequest,
    Upload,
    locked,
    metadata,
)

from .test_signing_rules import SEALING

PERSONAL = ("Eva Vergeten", "paspoort-eva", "Loonstrook Eva", "van Eva verlopen")


@pytest.fixture
def documents_db(make_db_url, engines):
    url = make_db_url("documents")
    upgrade("documents", url)
    engine = engines(url)
    return engine, lambda: unit_of_work(engine, "documents", metadata.tables["outbox"], SEALING)


def _rows(client_id="eva"):
    now = utcnow()
    common = dict(dossier_id="dos-1", office_id="office-a", client_id=client_id)
    return [
        Document(
            id=f"doc-{client_id}", **common, category="document", public=True,
            title="Paspoort Eva Vergeten", name="paspoort-eva.pdf", size=1, sha256="0" * 64,
            content_type="application/pdf", blob_name=f"blob-{client_id}", locked=False,
            uploaded_by="staff-a", uploaded_by_kind="staff", created_at=now,
        ),
        Upload(
            id=f"up-{client_id}", ticket_hash=f"{client_id:>64}", status="stored",
            purpose="document", name="paspoort-eva.pdf", account_id="staff-a",
            created_at=now, expires_at=now + timedelta(hours=1), **common,
        ),
        DocumentRequest(
            id=f"req-{client_id}", **common, title="Loonstrook", deliver_by="client",
            description="Loonstrook Eva, oktober", status="rejected",
            reason="Het document van Eva verlopen", created_by="staff-a",
            created_at=now, updated_at=now,
        ),
    ]  # fmt: skip


def _raw(engine):
    with engine.connect() as raw:
        return {
            "documents": dict(raw.execute(text("SELECT * FROM documents")).one()._mapping),
            "uploads": dict(raw.execute(text("SELECT * FROM uploads")).one()._mapping),
            "document_requests": dict(
                raw.execute(text("SELECT * FROM document_requests")).one()._mapping
            ),
        }


def test_the_clients_names_and_titles_are_stored_sealed(documents_db):
    engine, uow_factory = documents_db
    with uow_factory() as uow:
        uow.session.add_all(_rows())
    stored = _raw(engine)
    assert not any(value.lower() in str(stored).lower() for value in PERSONAL)
    assert stored["documents"]["title"].startswith("s1.")
    assert stored["document_requests"]["title"] == "Loonstrook"  # the office's checklist item
    with uow_factory() as uow:
        document = uow.session.get(Document, "doc-eva", with_for_update=locked(Document))
        assert (document.title, document.name) == ("Paspoort Eva Vergeten", "paspoort-eva.pdf")
        assert uow.session.get(Upload, "up-eva").name == "paspoort-eva.pdf"
        request = uow.session.get(DocumentRequest, "req-eva")
        assert request.reason == "Het document van Eva verlopen"
        request.reason = None  # approved after all: nothing sealed stays
    assert _raw(engine)["document_requests"]["reason"] is None


def test_shredding_the_client_destroys_the_field_key_too(documents_db):
    engine, uow_factory = documents_db
    with uow_factory() as uow:
        uow.session.add_all(_rows() + _rows("other"))
    with engine.connect() as raw:
        before = raw.execute(text("SELECT title FROM documents WHERE id = 'doc-eva'")).scalar()
    store = SimpleNamespace(unit_of_work=uow_factory)  # what shred_client uses of a Store
    client_keys.shred_client(store, "eva")
    assert client_keys.shred_client(store, "eva") == 0  # idempotent
    with uow_factory() as uow:
        document = uow.session.get(Document, "doc-eva")
        assert (document.title, document.name, document.sha256) == ("", "", "0" * 64)
        assert uow.session.get(Upload, "up-eva").name == ""
        request = uow.session.get(DocumentRequest, "req-eva")
        assert (request.description, request.reason, request.title) == ("", "", "Loonstrook")
        assert uow.session.get(Document, "doc-other").title == "Paspoort Eva Vergeten"
        with pytest.raises(FieldKeyShredded):
            key_for_owner(uow.session, ClientFieldKey, "eva")
    with engine.begin() as raw:  # a copy from before the erasure, put back, stays shut
        raw.execute(text("UPDATE documents SET title = :t WHERE id = 'doc-eva'"), {"t": before})
    with uow_factory() as uow:
        assert uow.session.get(Document, "doc-eva").title == ""
