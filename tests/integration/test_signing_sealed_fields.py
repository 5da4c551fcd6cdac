"""signing's backfill of the fields written before sealing (migration 0006), on SQLite and
PostgreSQL: signing requests written before keep reading as they are; the background
backfill (services/signing/field_backfill.py) seals their title, signer's name, address
and evidence under the key of the signer's client record, in batches, resumes where it
stopped and changes nothing when run again; a signer whose key was destroyed gets no new
one, and what of theirs is still plain text is blanked."""

import json

import pytest
from alembic import command
from sqlalchemy import text

from services.common.field_sealing import FieldKeyring, is_sealed
from services.common.migrate import alembic_config
from services.common.sealed_columns import KEYRING, shred_owner
from services.common.unit_of_work import unit_of_work
from services.signing import erasure, field_backfill
from services.signing.models import FieldBackfill, SignerFieldKey, SigningRequest, metadata
from services.signing.service import SigningService

from .conftest import free_port
from .kit import wait_until
from .test_signing_rules import FIELD_CONFIG

RING = FieldKeyring({"t1": b"f" * 32}, "t1", b"i" * 32)  # FIELD_CONFIG's
NOW = "2026-01-01 00:00:00.000000"
EVIDENCE = {"ip": "192.0.2.7", "user_agent": "Firefox", "auth": "password+totp"}


class Store:
    def __init__(self, engine):
        self.engine = engine

    def unit_of_work(self):
        return unit_of_work(self.engine, "signing", metadata.tables["outbox"], {KEYRING: RING})


@pytest.fixture
def old_database(make_db_url, engines):
    """A signing database at 0005 with requests in plain text (client-a's three, signed;
    client-b's one, pending), then migrated to the head."""
    url = make_db_url("signing")
    command.upgrade(alembic_config("signing", url), "0005")
    engine = engines(url)
    rows = [(f"req-{n}", "client-a", f"Ada {n}", "signed") for n in range(3)]
    rows.append(("req-b", "client-b", "Bea", "pending"))
    with engine.begin() as db:
        for request_id, client_id, name, status in rows:
            db.execute(
                text(
                    "INSERT INTO signing_requests (id, document_id, dossier_id, office_id,"
                    " title, document_sha256, signer_client_id, signer_account_id,"
                    " signer_name, signer_email, language, office_name, dossier_number,"
                    " status, created_by, created_at, expires_at, evidence) VALUES (:id,"
                    " 'doc-1', 'dossier-1', 'office-1', :title, :sha, :client, 'account-1',"
                    " :name, :email, 'nl', 'Kantoor', 'D-1', :status, 'staff-1', :now, :now,"
                    " :evidence)"
                ),
                {
                    "id": request_id,
                    "title": f"Offerte {name}",
                    "sha": "0" * 64,
                    "client": client_id,
                    "name": name,
                    "email": f"{client_id}@voorbeeld.nl",
                    "status": status,
                    "now": NOW,
                    "evidence": json.dumps(EVIDENCE) if status == "signed" else None,
                },
            )
    command.upgrade(alembic_config("signing", url), "head")
    return engine


def raw(engine, sql):
    with engine.connect() as db:
        return db.execute(text(sql)).all()


def sealed_values(engine):
    return raw(
        engine,
        "SELECT id, title, signer_name, signer_email, evidence FROM signing_requests ORDER BY id",
    )


def test_old_requests_read_as_they_are_then_the_backfill_seals_them(old_database):
    store = Store(old_database)
    with store.unit_of_work() as uow:
        old = uow.session.get(SigningRequest, "req-1")
        assert (old.signer_name, old.evidence) == ("Ada 1", EVIDENCE)

    assert field_backfill.backfill(store, batches=1, size=2) is False  # resumable: 2 done
    assert raw(old_database, "SELECT cursor FROM field_backfill WHERE name='sealed_fields'") == [
        ("signing_requests:req-1",)
    ]
    assert raw(old_database, "SELECT signer_name FROM signing_requests WHERE id='req-2'") == [
        ("Ada 2",)
    ]
    assert field_backfill.backfill(store, size=2) is True

    values = sealed_values(old_database)
    for row in values:
        assert all(value is None or is_sealed(value) for value in row[1:]), row
    assert raw(old_database, "SELECT owner_id FROM signer_field_keys ORDER BY owner_id") == [
        ("client-a",),
        ("client-b",),
    ]
    with store.unit_of_work() as uow:
        request = uow.session.get(SigningRequest, "req-2")
        assert (request.title, request.signer_name, request.signer_email, request.evidence) == (
            "Offerte Ada 2",
            "Ada 2",
            "client-a@voorbeeld.nl",
            EVIDENCE,
        )
        pending = uow.session.get(SigningRequest, "req-b")
        assert (pending.signer_name, pending.evidence) == ("Bea", None)
        assert uow.session.get(FieldBackfill, "sealed_fields").done_at is not None

    with store.unit_of_work() as uow:  # idempotent: a second run changes nothing
        field_backfill.restart(uow.session)
    assert field_backfill.backfill(store) is True
    assert sealed_values(old_database) == values


def test_an_erased_signers_plain_values_are_blanked(old_database):
    store = Store(old_database)
    # client-b's key destroyed with their plain values left (as by a key destroyed
    # before erase_signer blanked): the backfill blanks them and makes no key
    with store.unit_of_work() as uow:
        shred_owner(uow.session, SignerFieldKey, "client-b")
    # client-a erased by erase_signer before the backfill ran (no key yet: a destroyed
    # one is made): blanked at once
    with store.unit_of_work() as uow:
        assert erasure.erase_signer(uow, "client-a") == {"key_destroyed": False, "requests": 3}

    assert field_backfill.backfill(store) is True
    assert sealed_values(old_database) == [
        ("req-0", "", "", "", None),
        ("req-1", "", "", "", None),
        ("req-2", "", "", "", None),
        ("req-b", "", "", "", None),
    ]
    assert raw(old_database, "SELECT owner_id, wrapped FROM signer_field_keys ORDER BY 1") == [
        ("client-a", None),
        ("client-b", None),
    ]
    with store.unit_of_work() as uow:
        assert uow.session.get(SigningRequest, "req-b").signer_name == ""


def test_the_services_timer_runs_the_backfill(
    old_database, config, start_service, tmp_path, monkeypatch
):
    monkeypatch.setenv("KLUIS_VAR", str(tmp_path / "var"))
    url = old_database.url.render_as_string(hide_password=False)
    start_service(
        SigningService,
        {**config, **FIELD_CONFIG, "DB_URL": url, "WEB_SERVER_ADDRESS": f"127.0.0.1:{free_port()}"},
    )
    wait_until(  # the timer is eager: its first round runs at the start
        lambda: raw(old_database, "SELECT done_at FROM field_backfill")[0][0] is not None,
        message="the backfill done",
    )
    assert all(is_sealed(row[2]) for row in sealed_values(old_database))
    with Store(old_database).unit_of_work() as uow:
        assert uow.session.get(SigningRequest, "req-0").signer_name == "Ada 0"


def test_the_migration_goes_down_and_up_again(make_db_url, engines):
    url = make_db_url("signing")
    config = alembic_config("signing", url)
    command.upgrade(config, "head")
    command.downgrade(config, "0006")
    command.upgrade(config, "head")
    assert raw(engines(url), "SELECT name, cursor, done_at FROM field_backfill") == [
        ("sealed_fields", None, None)
    ]
