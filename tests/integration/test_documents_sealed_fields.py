"""documents's backfill of the fields written before sealing (migration 0011), on SQLite
and PostgreSQL: a database migrated from before keeps its rows readable as they are; the
background backfill (services/documents/field_backfill.py) seals the titles and names in
batches, resumes where it stopped and changes nothing when run again; an erased client
(field key destroyed, or blob keys shredded before field keys existed) gets no key, and
what of theirs is still plain text is blanked, by shred_client and by the backfill."""

import pytest
from alembic import command
from sqlalchemy import text

from services.common.field_sealing import FieldKeyring, is_sealed
from services.common.migrate import alembic_config
from services.common.sealed_columns import KEYRING, shred_owner
from services.common.unit_of_work import unit_of_work
from services.documents import client_keys, field_backfill
from services.documents.models import (
    ClientFieldKey,
    Document,
    DocumentRequest,
    FieldBackfill,
    Upload,
    metadata,
)
from services.documents.service import DocumentsService

from .conftest import free_port
from .kit import wait_until
from .test_signing_rules import FIELD_CONFIG

RING = FieldKeyring({"t1": b"f" * 32}, "t1", b"i" * 32)  # FIELD_CONFIG's
NOW = "2026-01-01 00:00:00.000000"


class Store:
    def __init__(self, engine):
        self.engine = engine

    def unit_of_work(self):
        return unit_of_work(self.engine, "documents", metadata.tables["outbox"], {KEYRING: RING})


def _document(db, doc_id, client_id, title, name):
    db.execute(
        text(
            "INSERT INTO documents (id, dossier_id, office_id, client_id, category, public,"
            " title, name, size, sha256, content_type, blob_name, locked, uploaded_by,"
            " uploaded_by_kind, created_at) VALUES (:id, 'dossier-1', 'office-1', :client,"
            " 'document', :public, :title, :name, 10, :sha, 'application/pdf', :blob, :locked,"
            " 'staff-1', 'staff', :now)"
        ),
        {
            "id": doc_id,
            "client": client_id,
            "public": True,
            "locked": False,
            "title": title,
            "name": name,
            "sha": "0" * 64,
            "blob": f"blob-{doc_id}",
            "now": NOW,
        },
    )


def _request(db, request_id, client_id, description, reason):
    db.execute(
        text(
            "INSERT INTO document_requests (id, dossier_id, office_id, client_id, title,"
            " description, deliver_by, status, reason, created_by, created_at, updated_at)"
            " VALUES (:id, 'dossier-1', 'office-1', :client, 'Loonstrook', :description,"
            " 'client', 'rejected', :reason, 'staff-1', :now, :now)"
        ),
        {
            "id": request_id,
            "client": client_id,
            "description": description,
            "reason": reason,
            "now": NOW,
        },
    )


@pytest.fixture
def old_database(make_db_url, engines):
    """A documents database at 0010 with rows in plain text, then migrated to the head:
    client-a's and client-b's, and client-gone's, whose blob keys were shredded then."""
    url = make_db_url("documents")
    command.upgrade(alembic_config("documents", url), "0010")
    engine = engines(url)
    with engine.begin() as db:
        for number in range(5):
            _document(db, f"doc-{number}", "client-a", f"Paspoort {number}", f"pas{number}.pdf")
        _document(db, "doc-b", "client-b", "Loonstrook Bea", "loon-bea.pdf")
        _document(db, "doc-gone", "client-gone", "Paspoort Weg", "weg.pdf")
        db.execute(
            text(
                "INSERT INTO client_keys (id, client_id, current_for, kek_id, wrapped,"
                " created_at, shredded_at) VALUES ('key-gone', 'client-gone', 'client-gone',"
                " '-', NULL, :now, :now)"
            ),
            {"now": NOW},
        )
        db.execute(
            text(
                "INSERT INTO uploads (id, ticket_hash, status, purpose, name, dossier_id,"
                " office_id, client_id, account_id, created_at, expires_at) VALUES"
                " ('upload-1', :hash, 'stored', 'document', 'bankafschrift-ada.pdf',"
                " 'dossier-1', 'office-1', 'client-a', 'staff-1', :now, :now)"
            ),
            {"hash": "1" * 64, "now": NOW},
        )
        _request(db, "request-a", "client-a", "Uw loonstrook, Ada", "Onleesbaar, Ada")
        _request(db, "request-b", "client-b", "Uw loonstrook, Bea", None)
    command.upgrade(alembic_config("documents", url), "head")
    return engine


def raw(engine, sql):
    with engine.connect() as db:
        return db.execute(text(sql)).all()


def sealed_values(engine):
    """-> every value of the sealed columns, by (table, id)."""
    return (
        {
            ("documents", i): (t, n)
            for i, t, n in raw(engine, "SELECT id, title, name FROM documents")
        }
        | {("uploads", i): (n,) for i, n in raw(engine, "SELECT id, name FROM uploads")}
        | {
            ("document_requests", i): (d, r)
            for i, d, r in raw(engine, "SELECT id, description, reason FROM document_requests")
        }
    )


def test_old_rows_read_as_they_are_then_the_backfill_seals_them(old_database):
    store = Store(old_database)
    with store.unit_of_work() as uow:
        assert uow.session.get(Document, "doc-1").title == "Paspoort 1"
        assert uow.session.get(Upload, "upload-1").name == "bankafschrift-ada.pdf"

    assert field_backfill.backfill(store, batches=1, size=2) is False  # resumable: 2 done
    assert raw(old_database, "SELECT cursor FROM field_backfill WHERE name='sealed_fields'") == [
        ("documents:doc-1",)
    ]
    assert is_sealed(raw(old_database, "SELECT title FROM documents WHERE id='doc-1'")[0][0])
    assert raw(old_database, "SELECT title FROM documents WHERE id='doc-2'") == [("Paspoort 2",)]
    assert field_backfill.backfill(store, size=2) is True

    values = sealed_values(old_database)
    for (table, row_id), row in values.items():
        if row_id == "doc-gone":  # erased before: blanked, no key made
            assert row == ("", "")
        else:
            assert all(value is None or is_sealed(value) for value in row), (table, row_id)
    assert values[("document_requests", "request-b")][1] is None
    keys = raw(old_database, "SELECT owner_id, wrapped FROM client_field_keys ORDER BY owner_id")
    assert [(owner, wrapped is None) for owner, wrapped in keys] == [
        ("client-a", False),
        ("client-b", False),
        ("client-gone", True),  # destroyed: none is made for them later
    ]
    with store.unit_of_work() as uow:
        document = uow.session.get(Document, "doc-3")
        assert (document.title, document.name) == ("Paspoort 3", "pas3.pdf")
        assert uow.session.get(Document, "doc-b").title == "Loonstrook Bea"
        assert uow.session.get(Upload, "upload-1").name == "bankafschrift-ada.pdf"
        request = uow.session.get(DocumentRequest, "request-a")
        assert (request.description, request.reason) == ("Uw loonstrook, Ada", "Onleesbaar, Ada")
        assert uow.session.get(FieldBackfill, "sealed_fields").done_at is not None

    with store.unit_of_work() as uow:  # idempotent: a second run changes nothing
        field_backfill.restart(uow.session)
    assert field_backfill.backfill(store, size=3) is True
    assert sealed_values(old_database) == values


def test_an_erased_clients_plain_values_are_blanked(old_database):
    store = Store(old_database)
    # client-a erased now: shred_client blanks what was never sealed
    assert client_keys.shred_client(store, "client-a") == 0  # no blob keys to destroy
    assert (
        raw(old_database, "SELECT title, name FROM documents WHERE client_id='client-a'")
        == [("", "")] * 5
    )
    assert raw(old_database, "SELECT name FROM uploads") == [(None,)]
    assert raw(
        old_database, "SELECT description, reason FROM document_requests WHERE id='request-a'"
    ) == [(None, None)]
    # client-b erased before this version: their field key destroyed, plain text left
    with store.unit_of_work() as uow:
        shred_owner(uow.session, ClientFieldKey, "client-b")
    assert raw(old_database, "SELECT title FROM documents WHERE id='doc-b'") == [
        ("Loonstrook Bea",)
    ]

    assert field_backfill.backfill(store) is True
    assert raw(old_database, "SELECT title, name FROM documents WHERE id='doc-b'") == [("", "")]
    assert raw(
        old_database, "SELECT description, reason FROM document_requests WHERE id='request-b'"
    ) == [(None, None)]
    assert raw(
        old_database, "SELECT owner_id, wrapped FROM client_field_keys ORDER BY owner_id"
    ) == [("client-a", None), ("client-b", None), ("client-gone", None)]
    with store.unit_of_work() as uow:
        assert uow.session.get(Document, "doc-b").title == ""


def test_the_services_timer_runs_the_backfill(
    old_database, config, start_service, tmp_path, monkeypatch
):
    monkeypatch.setenv("KLUIS_VAR", str(tmp_path / "var"))
    url = old_database.url.render_as_string(hide_password=False)
    start_service(
        DocumentsService,
        {
            **config,
            **FIELD_CONFIG,
            "DB_URL": url,
            "WEB_SERVER_ADDRESS": f"127.0.0.1:{free_port()}",
            "BLOB_DIR": str(tmp_path / "blobs"),
        },
    )
    wait_until(  # the timer is eager: its first round runs at the start
        lambda: raw(old_database, "SELECT done_at FROM field_backfill")[0][0] is not None,
        message="the backfill done",
    )
    assert is_sealed(raw(old_database, "SELECT title FROM documents WHERE id='doc-4'")[0][0])
    with Store(old_database).unit_of_work() as uow:
        assert uow.session.get(Document, "doc-4").title == "Paspoort 4"


def test_the_migration_goes_down_and_up_again(make_db_url, engines):
    url = make_db_url("documents")
    config = alembic_config("documents", url)
    command.upgrade(config, "head")
    command.downgrade(config, "0011")
    command.upgrade(config, "head")
    assert raw(engines(url), "SELECT name, cursor, done_at FROM field_backfill") == [
        ("sealed_fields", None, None)
    ]
