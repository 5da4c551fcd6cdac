"""dossier's personal fields sealed (issue #18), on SQLite and PostgreSQL: a database
migrated from before sealing keeps its rows readable as they are; the background
backfill (services/dossier/field_backfill.py) seals them in batches and fills the blind
indexes, resumes where it stopped, changes nothing when run again, and leaves an erased
record's placeholders alone; a locked read of a sealed record works on both databases."""

import json

import pytest
import sqlalchemy as sa
from alembic import command
from sqlalchemy import select, text

from services.common.context import Principal
from services.common.field_sealing import FieldKeyring, is_sealed
from services.common.migrate import alembic_config
from services.common.sealed_columns import KEYRING, blind_email
from services.common.unit_of_work import unit_of_work
from services.dossier import access, field_backfill
from services.dossier.models import Backfill, Client, Message, Product, Questionnaire, metadata
from services.dossier.retention import erase_client

RING = FieldKeyring({"k1": b"k" * 32}, "k1", b"i" * 32)
NOW = "2026-01-01 00:00:00.000000"
STAFF = Principal(account_id="staff-1", kind="staff", offices={"office-1": "owner"})


class Store:
    def __init__(self, engine):
        self.engine = engine

    def unit_of_work(self):
        return unit_of_work(self.engine, "dossier", metadata.tables["outbox"], {KEYRING: RING})


@pytest.fixture
def old_database(make_db_url, engines):
    """A dossier database at 0012 with rows in plain text, then migrated to the head."""
    url = make_db_url("dossier")
    command.upgrade(alembic_config("dossier", url), "0012")
    engine = engines(url)
    with engine.begin() as db:
        db.execute(
            text(
                "INSERT INTO offices (id, partner_id, name, city, created_at)"
                " VALUES ('office-1', 'P1', 'Kantoor', 'Utrecht', :now)"
            ),
            {"now": NOW},
        )
        for number in range(5):
            db.execute(
                text(
                    "INSERT INTO clients (id, office_id, type, name, email, mobile, language,"
                    " shared, invitation_status, invitation_email, created_by, created_at)"
                    " VALUES (:id, 'office-1', 'person', :name, :email, '+31612345678', 'nl',"
                    " :shared, 'sent', :email, 'staff-1', :now)"
                ),
                {
                    "id": f"client-{number}",
                    "name": f"Oude Klant {number}",
                    "email": f"oud{number}@voorbeeld.nl",
                    "shared": True,
                    "now": NOW,
                },
            )
        db.execute(
            text(
                "INSERT INTO products (id, client_id, kind, number, created_by, created_at)"
                " VALUES ('product-1', 'client-0', 'mortgage', 'HYP-123', 'staff-1', :now)"
            ),
            {"now": NOW},
        )
        db.execute(
            text(
                "INSERT INTO dossiers (id, office_id, client_id, number, description, status,"
                " created_by, created_at, updated_at) VALUES ('dossier-1', 'office-1',"
                " 'client-0', 'D-1', 'Hypotheek', 'in_progress', 'staff-1', :now, :now)"
            ),
            {"now": NOW},
        )
        db.execute(
            text(
                "INSERT INTO messages (id, dossier_id, office_id, client_id, thread_id, subject,"
                " body, sender_id, sender_kind, attachments, created_at) VALUES ('message-1',"
                " 'dossier-1', 'office-1', 'client-0', 'message-1', 'Loonstrook', 'Mijn loon',"
                " 'staff-1', 'staff', :attachments, :now)"
            ),
            {"attachments": json.dumps([{"id": "d1", "name": "loon.pdf"}]), "now": NOW},
        )
        db.execute(
            text(
                "INSERT INTO questionnaires (id, template_id, dossier_id, office_id, client_id,"
                " title, pages, answers, status, assigned_by, created_at, updated_at) VALUES"
                " ('questionnaire-1', 't', 'dossier-1', 'office-1', 'client-0', 'Intake', '[]',"
                " :answers, 'open', 'staff-1', :now, :now)"
            ),
            {"answers": json.dumps({"income": 50000, "name": "Oude Klant"}), "now": NOW},
        )
    command.upgrade(alembic_config("dossier", url), "head")
    return engine


def raw(engine, sql):
    with engine.connect() as db:
        return db.execute(text(sql)).all()


def test_old_rows_read_as_they_are_then_the_backfill_seals_them(old_database):
    store = Store(old_database)
    with store.unit_of_work() as uow:
        old = uow.session.get(Client, "client-1")
        assert (old.name, old.email, old.invitation_email) == (
            "Oude Klant 1",
            "oud1@voorbeeld.nl",
            "oud1@voorbeeld.nl",
        )
        assert uow.session.get(Questionnaire, "questionnaire-1").answers["income"] == 50000
        assert uow.session.get(Message, "message-1").attachments[0]["name"] == "loon.pdf"

    assert field_backfill.backfill(store, batches=1, size=2) is False  # resumable: 2 done
    assert raw(old_database, "SELECT cursor FROM backfills WHERE name='sealed_fields'") == [
        ("clients:client-1",)
    ]
    assert field_backfill.backfill(store, size=2) is True
    names = raw(old_database, "SELECT name, email, mobile, invitation_email FROM clients")
    assert all(is_sealed(value) for row in names for value in row)
    for table, column in (
        ("products", "number"),
        ("messages", "subject"),
        ("messages", "body"),
        ("messages", "attachments"),
        ("questionnaires", "answers"),
    ):
        ((value,),) = raw(old_database, f"SELECT {column} FROM {table}")
        assert is_sealed(value), (table, column)

    with store.unit_of_work() as uow:
        found = uow.session.scalars(
            select(Client).where(
                Client.email_index == blind_email(uow.session, "OUD3@voorbeeld.nl")
            )
        ).one()
        assert (found.id, found.name, found.mobile) == ("client-3", "Oude Klant 3", "+31612345678")
        invited = uow.session.scalars(
            select(Client.id).where(
                Client.invitation_email_index == blind_email(uow.session, "oud4@voorbeeld.nl")
            )
        ).all()
        assert invited == ["client-4"]
        assert uow.session.get(Product, "product-1").number == "HYP-123"
        message = uow.session.get(Message, "message-1")
        assert (message.subject, message.body) == ("Loonstrook", "Mijn loon")
        assert uow.session.get(Questionnaire, "questionnaire-1").answers == {
            "income": 50000,
            "name": "Oude Klant",
        }

    before = raw(old_database, "SELECT id, name, email FROM clients ORDER BY id")
    with store.unit_of_work() as uow:
        field_backfill.restart(uow.session)
    assert field_backfill.backfill(store) is True
    assert raw(old_database, "SELECT id, name, email FROM clients ORDER BY id") == before


def test_an_erased_record_keeps_its_placeholders_and_a_locked_read_works(old_database):
    store = Store(old_database)
    with store.unit_of_work() as uow:
        # a locked read of a sealed record (its key row joined): also on PostgreSQL
        assert access.visible_client(uow, STAFF, "client-2", lock=True).name == "Oude Klant 2"
        uow.session.execute(
            sa.text(
                "INSERT INTO client_retention (client_id, office_id, ended_at, ended_by,"
                " erase_at) VALUES ('client-2', 'office-1', :now, 'staff-1', :now)"
            ),
            {"now": NOW},
        )
    with store.unit_of_work() as uow:
        assert erase_client(uow, "client-2") is True
    assert field_backfill.backfill(store) is True
    ((name, email, mobile),) = raw(
        old_database, "SELECT name, email, mobile FROM clients WHERE id='client-2'"
    )
    assert (name, email, mobile) == ("(gewist)", "erased-client-2@erased.invalid", None)
    assert raw(old_database, "SELECT wrapped FROM client_field_keys WHERE owner_id='client-2'") == [
        (None,)
    ]
    with store.unit_of_work() as uow:
        assert uow.session.get(Backfill, "sealed_fields").done_at is not None


def test_an_erased_clients_plain_messages_answers_and_numbers_are_blanked(old_database):
    """client-0 erased before the backfill got to their rows: their product, message and
    questionnaire still held plain text, which nothing could erase but the backfill."""
    store = Store(old_database)
    with store.unit_of_work() as uow:
        uow.session.execute(
            sa.text(
                "INSERT INTO client_retention (client_id, office_id, ended_at, ended_by,"
                " erase_at) VALUES ('client-0', 'office-1', :now, 'staff-1', :now)"
            ),
            {"now": NOW},
        )
    with store.unit_of_work() as uow:
        assert erase_client(uow, "client-0") is True
    assert raw(old_database, "SELECT subject FROM messages") == [("Loonstrook",)]

    assert field_backfill.backfill(store) is True
    assert raw(old_database, "SELECT name FROM clients WHERE id='client-0'") == [("(gewist)",)]
    assert raw(old_database, "SELECT number FROM products") == [(None,)]
    assert raw(old_database, "SELECT subject, body, attachments FROM messages") == [("", "", "")]
    assert raw(old_database, "SELECT answers FROM questionnaires") == [("",)]
    with store.unit_of_work() as uow:
        message = uow.session.get(Message, "message-1")
        assert (message.subject, message.attachments) == ("", [])
        assert uow.session.get(Questionnaire, "questionnaire-1").answers == {}


def test_a_client_erased_before_field_keys_existed_gets_no_live_key(old_database):
    """The old erasure blanked the record and set erased_at, but had no key to destroy:
    the backfill must not make one and seal their leftovers under it, but blank them."""
    store = Store(old_database)
    with old_database.begin() as db:
        db.execute(
            text(
                "INSERT INTO client_retention (client_id, office_id, ended_at, ended_by,"
                " erase_at, erased_at) VALUES ('client-0', 'office-1', :now, 'staff-1',"
                " :now, :now)"
            ),
            {"now": NOW},
        )
        db.execute(text("UPDATE clients SET name='(gewist)', mobile=NULL WHERE id='client-0'"))

    assert field_backfill.backfill(store) is True
    assert raw(old_database, "SELECT wrapped FROM client_field_keys WHERE owner_id='client-0'") == [
        (None,)
    ]
    assert raw(old_database, "SELECT number FROM products") == [(None,)]
    assert raw(old_database, "SELECT subject, body, attachments FROM messages") == [("", "", "")]
    assert raw(old_database, "SELECT answers FROM questionnaires") == [("",)]
    live = raw(old_database, "SELECT wrapped FROM client_field_keys WHERE owner_id='client-1'")
    assert live and live[0][0] is not None


def test_the_migration_goes_down_and_up_again(make_db_url):
    config = alembic_config("dossier", make_db_url("dossier"))
    command.upgrade(config, "head")
    command.downgrade(config, "0012")
    command.upgrade(config, "head")
