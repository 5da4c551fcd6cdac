"""A client's account goes with its field key destroyed first (crypto-shredding), and
the end of retention takes the sign-in records under the client's addresses too, found
by blind index (identity keeps no plain address of an attempt)."""

import pytest
from sqlalchemy import text

from services.common.field_sealing import FieldKeyShredded
from services.identity import accounts, lookup
from services.identity.exceptions import EmailInUse
from services.identity.models import Account, AccountFieldKey, LoginAttempt

from .conftest import TEST_KEYRING
from .test_identity_login import PASSWORD, login


def raw(db, sql):
    with db.engine.connect() as connection:
        return connection.execute(text(sql)).all()


def test_erasure_destroys_the_key_then_the_account_and_its_sign_in_records(identity_db):
    assert login(identity_db, PASSWORD, email="ada@voorbeeld.nl") is None  # before her account
    with identity_db.unit_of_work() as uow:
        ada = accounts.create_account(
            uow, "client", "Ada@Voorbeeld.nl", "Ada Lovelace", "nl", PASSWORD
        )
        accounts.create_account(uow, "client", "bea@voorbeeld.nl", "Bea", "nl", PASSWORD)
    assert login(identity_db, PASSWORD, email="ada@voorbeeld.nl") is not None
    assert login(identity_db, "Fout-Wachtwoord-1", email="bea@voorbeeld.nl") is None
    assert login(identity_db, PASSWORD, email="niemand@voorbeeld.nl") is None
    ((name, email),) = raw(identity_db, f"SELECT name, email FROM accounts WHERE id = '{ada.id}'")
    assert "Ada" not in name + email and "voorbeeld" not in email  # sealed

    with identity_db.unit_of_work() as uow:
        gone = accounts.erase_client_contacts(uow, None, [" ADA@voorbeeld.nl"])
    assert gone == {"accounts": 1, "login_attempts": 2}
    (key,) = identity_db.all(AccountFieldKey, AccountFieldKey.owner_id == ada.id)
    assert key.wrapped is None and key.shredded_at is not None
    with pytest.raises(FieldKeyShredded):  # a backup's copy of her row opens no more
        TEST_KEYRING.open_key(key.kek_id, key.id, key.wrapped)
    left = identity_db.all(LoginAttempt)
    assert {a.email_index for a in left} == {
        TEST_KEYRING.blind_email("bea@voorbeeld.nl"),
        TEST_KEYRING.blind_email("niemand@voorbeeld.nl"),
    }
    assert login(identity_db, PASSWORD, email="bea@voorbeeld.nl") is not None
    with identity_db.unit_of_work() as uow:  # the address is free for a new account
        again = accounts.create_account(uow, "client", "ada@voorbeeld.nl", "Ada", "nl", PASSWORD)
        assert lookup.by_email(uow.session, "ADA@voorbeeld.nl").id == again.id != ada.id


def test_only_client_accounts_are_removed_and_an_address_is_taken_once(identity_db):
    with identity_db.unit_of_work() as uow:
        staff = accounts.create_account(uow, "staff", "kim@kantoor.nl", "Kim")
        accounts.remove_client_account(uow, None, staff.id)
    assert identity_db.get(Account, staff.id).name == "Kim"
    assert identity_db.all(AccountFieldKey)[0].wrapped is not None
    with (
        pytest.raises(EmailInUse),
        identity_db.unit_of_work() as uow,
    ):
        accounts.create_account(uow, "client", " KIM@kantoor.nl", "Kim")
