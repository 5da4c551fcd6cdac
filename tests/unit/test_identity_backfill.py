"""Accounts written before their fields were sealed (migration 0012) are sealed by
backfill.py: in batches, once, by one instance at a time; found meanwhile by their plain
address (lookup.py)."""

from types import SimpleNamespace

import pytest
from sqlalchemy import create_engine, text

from services.common.lease import lease
from services.identity import backfill, lookup
from services.identity.models import Account, metadata

from .conftest import TEST_KEYRING, Database


@pytest.fixture
def db(tmp_path):
    """identity's tables in a SQLite file (leases on SQLite are files beside it)."""
    database = Database(metadata, "identity", f"sqlite:///{tmp_path / 'identity.db'}")
    yield database
    database.engine.dispose()


def store_of(db):
    return SimpleNamespace(
        lease=lambda name: lease(db.engine, f"identity.{name}"),
        unit_of_work=db.unit_of_work,
    )


def old_accounts(db, count):
    """Rows as identity wrote them before sealing: plain, no blind index, no key."""
    with db.engine.begin() as raw:
        for n in range(count):
            raw.execute(
                text(
                    "INSERT INTO accounts (id, kind, email, name, language, mobile,"
                    " second_factor, second_factor_secret, failed_logins, created_at)"
                    " VALUES (:id, 'client', :email, :name, 'nl', :mobile, 'sms', :mobile, 0,"
                    " '2026-01-01 00:00:00')"
                ),
                {
                    "id": f"old-{n:03d}",
                    "email": f"klant{n}@voorbeeld.nl",
                    "name": f"Klant Nummer {n}",
                    "mobile": f"+316{n:08d}",
                },
            )


def raw_rows(db):
    with db.engine.connect() as raw:
        return raw.execute(
            text("SELECT id, email, name, mobile, second_factor_secret, email_index FROM accounts")
        ).all()


def test_old_accounts_are_found_before_and_sealed_in_batches_once(db):
    old_accounts(db, 5)
    with db.unit_of_work() as uow:  # before the backfill: found by the plain address
        assert lookup.by_email(uow.session, "KLANT3@voorbeeld.nl").id == "old-003"

    store = store_of(db)
    assert backfill.seal_old_accounts_once(store, batch=2) == 5  # 2 + 2 + 1
    assert backfill.seal_old_accounts_once(store, batch=2) == 0  # nothing left: idempotent
    for row in raw_rows(db):
        assert all(v.startswith("s1.") for v in (row.email, row.name, row.mobile))
        assert row.second_factor_secret.startswith("s1.") and "Klant" not in str(row)
        assert row.email_index == TEST_KEYRING.blind_email(f"klant{int(row.id[-3:])}@voorbeeld.nl")

    with db.unit_of_work() as uow:
        account = lookup.by_email(uow.session, " Klant3@Voorbeeld.nl ")
        assert (account.id, account.name, account.mobile) == (
            "old-003",
            "Klant Nummer 3",
            "+31600000003",
        )
        assert account.second_factor_secret == "+31600000003"
        found = uow.session.scalar(
            Account.__table__.select()
            .with_only_columns(Account.id)
            .where(lookup.has_mobile(uow.session, "+31600000004"))
        )
        assert found == "old-004"


def test_an_instance_skips_while_another_holds_the_lease(db):
    old_accounts(db, 3)
    store = store_of(db)
    with store.lease("seal_accounts") as held:  # another replica's round
        assert held
        other = SimpleNamespace(
            lease=lambda name: lease(
                create_engine(f"sqlite:///{db.engine.url.database}"), f"identity.{name}"
            ),
            unit_of_work=store.unit_of_work,
        )
        assert backfill.seal_old_accounts_once(other) == 0
    assert all(row.email_index is None for row in raw_rows(db))
    assert backfill.seal_old_accounts_once(store) == 3


def test_an_address_clashing_with_another_is_left_unsealed_and_the_rest_goes_on(db, caplog):
    """Two legacy addresses differing only in case or spaces have one blind index (unique):
    the second stays unsealed (logged by id, nothing personal), the others are sealed."""
    old_accounts(db, 3)
    with db.engine.begin() as raw:
        raw.execute(text("UPDATE accounts SET email = ' KLANT0@Voorbeeld.nl' WHERE id = 'old-001'"))
    store = store_of(db)
    assert backfill.seal_old_accounts_once(store, batch=1) == 2  # old-000 and old-002
    rows = {row.id: row for row in raw_rows(db)}
    assert rows["old-001"].email == " KLANT0@Voorbeeld.nl" and rows["old-001"].email_index is None
    assert rows["old-000"].email_index and rows["old-002"].email_index
    assert "old-001" in caplog.text and "KLANT0" not in caplog.text.upper()
    assert backfill.seal_old_accounts_once(store, batch=1) == 0  # every round: not stuck
