"""Forgotten passwords: the reset mail (no enumeration, rate-limited) and the reset itself."""

from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest

from services.common.db import utcnow
from services.common.errors import Unauthenticated
from services.common.tokens import digest
from services.identity import accounts, guard, password_login, passwords, sessions
from services.identity.domain import SessionClock
from services.identity.exceptions import (
    InvalidCredentials,
    InvalidToken,
    TokenExpired,
    TokenUsed,
    WeakPassword,
)
from services.identity.models import Account, PasswordReset

CLOCK = SessionClock(idle_timeout_s=600, warning_s=120)
PUBLIC_URL = "https://kluis.example"
EMAIL = "klant@voorbeeld.nl"
OLD_PASSWORD = "Zonnebloem-84"
NEW_PASSWORD = "Tulpenveld-2026"


@pytest.fixture
def account_id(identity_db):
    with identity_db.unit_of_work() as uow:
        return accounts.create_account(uow, "client", EMAIL, password=OLD_PASSWORD).id


def forgot(db, email=EMAIL):
    with db.unit_of_work() as uow:
        passwords.request_password_reset(uow, email, PUBLIC_URL)


def reset(db, token, password=NEW_PASSWORD):
    with db.unit_of_work() as uow:
        passwords.reset_password(uow, token, password)


def login(db, password):
    """-> the session, or None when refused with InvalidCredentials."""
    try:
        return password_login.login(
            db, CLOCK, guard.Policy(), EMAIL, password, "198.51.100.1", "pytest", PUBLIC_URL
        )
    except InvalidCredentials:
        return None


def reset_commands(db):
    return [
        m["payload"]
        for m in db.outbox()
        if m["kind"] == "command" and m["payload"].get("template") == "password_reset"
    ]


def mailed_token(db):
    """The token from the newest reset link in the outbox, as the user would click it."""
    url = reset_commands(db)[-1]["data"]["reset_url"]
    return parse_qs(urlsplit(url).query)["token"][0]


# -- request_password_reset ---------------------------------------------------------------------


def test_unknown_email_writes_nothing(identity_db, account_id):
    outbox_before = identity_db.outbox()
    forgot(identity_db, "niemand@voorbeeld.nl")
    assert identity_db.outbox() == outbox_before
    assert identity_db.all(PasswordReset) == []


def test_known_email_gets_one_mail_command_with_a_reset_link(identity_db, account_id):
    forgot(identity_db, " Klant@Voorbeeld.nl")
    [command] = reset_commands(identity_db)
    assert command["command"] == "send_notification"
    assert command["to"] == {"email": EMAIL}
    url = command["data"]["reset_url"]
    assert url.startswith(PUBLIC_URL + "/") and "token=" in url
    [row] = identity_db.all(PasswordReset)
    token = mailed_token(identity_db)
    assert row.account_id == account_id
    assert row.token_hash == digest(token) != token  # only the hash is stored


def test_staff_never_get_a_reset_mail(identity_db):
    with identity_db.unit_of_work() as uow:
        accounts.create_account(uow, "staff", "adviseur@kantoor.nl")
    forgot(identity_db, "adviseur@kantoor.nl")
    assert reset_commands(identity_db) == []


def test_at_most_five_reset_mails_per_hour(identity_db, account_id):
    for _ in range(7):
        forgot(identity_db)
    assert len(reset_commands(identity_db)) == 5


def test_a_new_reset_mail_is_sent_once_the_hour_has_passed(identity_db, account_id):
    for _ in range(5):
        forgot(identity_db)
    for row in identity_db.all(PasswordReset):
        identity_db.set(PasswordReset, row.id, created_at=utcnow() - timedelta(minutes=61))
    forgot(identity_db)
    assert len(reset_commands(identity_db)) == 6


# -- reset_password -------------------------------------------------------------------------


def test_weak_password_is_refused_with_its_rules_and_changes_nothing(identity_db, account_id):
    forgot(identity_db)
    outbox_before = identity_db.outbox()
    with pytest.raises(WeakPassword) as raised:
        reset(identity_db, mailed_token(identity_db), "zwak")
    assert sorted(raised.value.details["rules"]) == ["digit", "min_length", "uppercase"]
    [row] = identity_db.all(PasswordReset)
    assert row.used_at is None
    assert identity_db.outbox() == outbox_before
    assert login(identity_db, OLD_PASSWORD) is not None


def test_unknown_token_is_invalid(identity_db, account_id):
    with pytest.raises(InvalidToken):
        reset(identity_db, "not-a-token-we-sent")


def test_token_works_only_once(identity_db, account_id):
    forgot(identity_db)
    token = mailed_token(identity_db)
    reset(identity_db, token)
    with pytest.raises(TokenUsed):
        reset(identity_db, token, "Nog-Een-Ander-9")
    assert login(identity_db, NEW_PASSWORD) is not None


def test_token_expires(identity_db, account_id):
    forgot(identity_db)
    [row] = identity_db.all(PasswordReset)
    identity_db.set(PasswordReset, row.id, expires_at=utcnow() - timedelta(seconds=1))
    with pytest.raises(TokenExpired):
        reset(identity_db, mailed_token(identity_db))
    assert login(identity_db, OLD_PASSWORD) is not None


def test_reset_link_is_valid_for_an_hour(identity_db, account_id):
    before = utcnow()
    forgot(identity_db)
    [row] = identity_db.all(PasswordReset)
    assert before + timedelta(hours=1) <= row.expires_at <= utcnow() + timedelta(hours=1)


def test_new_password_logs_in_and_the_old_one_no_longer_does(identity_db, account_id):
    forgot(identity_db)
    reset(identity_db, mailed_token(identity_db))
    assert login(identity_db, NEW_PASSWORD) is not None
    assert login(identity_db, OLD_PASSWORD) is None


def test_reset_ends_every_session(identity_db, account_id):
    tokens = [login(identity_db, OLD_PASSWORD)["token"] for _ in range(2)]
    forgot(identity_db)
    reset(identity_db, mailed_token(identity_db))
    for token in tokens:
        with pytest.raises(Unauthenticated):
            with identity_db.unit_of_work() as uow:
                sessions.authenticate(uow, CLOCK, token, True)
    revoked = [m for m in identity_db.outbox() if m["routing_key"] == "session_revoked"]
    assert revoked and revoked[-1]["payload"]["account_id"] == account_id


def test_reset_lifts_a_lockout(identity_db, account_id):
    for _ in range(10):
        login(identity_db, "Verkeerd-1")
    assert login(identity_db, OLD_PASSWORD) is None  # locked out from this address
    forgot(identity_db)
    reset(identity_db, mailed_token(identity_db))
    assert login(identity_db, NEW_PASSWORD) is not None


def test_reset_lifts_a_second_step_lock(identity_db, account_id):
    identity_db.set(Account, account_id, locked_until=utcnow() + timedelta(minutes=5))
    forgot(identity_db)
    reset(identity_db, mailed_token(identity_db))
    assert identity_db.get(Account, account_id).locked_until is None
    assert login(identity_db, NEW_PASSWORD) is not None


def test_reset_mails_a_confirmation(identity_db, account_id):
    forgot(identity_db)
    reset(identity_db, mailed_token(identity_db))
    confirmations = [
        m["payload"]
        for m in identity_db.outbox()
        if m["payload"].get("template") == "password_changed"
    ]
    assert [c["to"] for c in confirmations] == [{"email": EMAIL}]
