"""Password login, lockout and bearer authentication (identity use cases over SQLite)."""

from datetime import timedelta

import pytest

from services.common.db import utcnow
from services.common.errors import Unauthenticated
from services.identity import accounts, guard, password_login, sessions
from services.identity.domain import SessionClock
from services.identity.exceptions import InvalidCredentials, RateLimited, SessionExpired
from services.identity.models import Account, LoginAttempt, Session, buckets

from .conftest import TEST_KEYRING

CLOCK = SessionClock(idle_timeout_s=600, warning_s=120)
PUBLIC_URL = "https://kluis.example"
EMAIL = "klant@voorbeeld.nl"
PASSWORD = "Zonnebloem-84"
IP = "198.51.100.23"
OTHER_IP = "203.0.113.9"
LOCK_AFTER = 3
POLICY = guard.Policy(lock_count=guard.LOCK_COUNT.scaled(LOCK_AFTER))


@pytest.fixture
def account_id(identity_db):
    with identity_db.unit_of_work() as uow:
        return accounts.create_account(uow, "client", EMAIL, name="Jan", password=PASSWORD).id


def login(db, password, email=EMAIL, ip=IP, policy=POLICY):
    """-> the session, or None when refused with InvalidCredentials (the 401 of a wrong
    password, an unknown e-mail and a lock alike)."""
    try:
        return password_login.login(
            db, CLOCK, policy, email, password, ip, "pytest-agent", PUBLIC_URL
        )
    except InvalidCredentials:
        return None


def authenticate(db, token, touch=True):
    with db.unit_of_work() as uow:
        return sessions.authenticate(uow, CLOCK, token, touch)


def session_of(db, token):
    principal = authenticate(db, token, touch=False)
    return db.get(Session, principal["session_id"])


def lock_from(db, ip=IP):
    """LOCK_AFTER misses from `ip` (three in these tests: argon2 is slow)."""
    for _ in range(LOCK_AFTER):
        assert login(db, "Verkeerd-1", ip=ip) is None


def lock_events(db):
    return [m for m in db.outbox() if m["routing_key"] == "account_locked"]


# -- login --------------------------------------------------------------------------------------


def test_right_password_returns_a_token_and_the_session_clock(identity_db, account_id):
    result = login(identity_db, PASSWORD)
    assert result["token"]
    assert (result["idle_timeout_s"], result["warning_s"]) == (600, 120)
    assert authenticate(identity_db, result["token"])["account_id"] == account_id
    [attempt] = identity_db.all(LoginAttempt)
    assert (attempt.success, attempt.reason, attempt.source_ip) == (True, "ok", IP)


def test_email_is_matched_whatever_its_case_and_spaces(identity_db, account_id):
    assert login(identity_db, PASSWORD, email="  Klant@Voorbeeld.NL ") is not None


@pytest.mark.parametrize(
    "email, password, reason",
    [
        (EMAIL, "Verkeerd-Wachtwoord-1", "wrong_password"),
        ("niemand@voorbeeld.nl", PASSWORD, "unknown"),
    ],
)
def test_failed_login_returns_none_and_is_recorded_with_its_reason(
    identity_db, account_id, email, password, reason
):
    assert login(identity_db, password, email=email.upper()) is None
    [attempt] = identity_db.all(LoginAttempt)
    # the address typed only as its blind index: nothing of it to read back
    assert (attempt.success, attempt.reason, attempt.source_ip, attempt.email_index) == (
        False,
        reason,
        IP,
        TEST_KEYRING.blind_email(email),
    )
    assert attempt.account_id == (account_id if reason != "unknown" else None)


def test_an_account_locked_by_second_step_misses_refuses_even_the_right_password(
    identity_db, account_id
):
    identity_db.set(Account, account_id, locked_until=utcnow() + timedelta(minutes=5))
    assert login(identity_db, PASSWORD) is None
    [attempt] = identity_db.all(LoginAttempt)
    assert (attempt.success, attempt.reason, attempt.source_ip) == (False, "locked", IP)


def test_misses_below_the_limit_do_not_lock(identity_db, account_id):
    for _ in range(LOCK_AFTER - 1):
        login(identity_db, "Verkeerd-1")
    assert lock_events(identity_db) == []
    assert login(identity_db, PASSWORD) is not None


def test_the_misses_lock_their_address_out_and_no_other(identity_db, account_id):
    lock_from(identity_db)
    assert login(identity_db, PASSWORD) is None
    assert identity_db.all(LoginAttempt, LoginAttempt.reason == "locked")
    assert login(identity_db, PASSWORD, ip=OTHER_IP) is not None  # the owner, elsewhere
    assert identity_db.get(Account, account_id).locked_until is None


def test_an_unknown_address_locks_alike(identity_db, account_id):
    for _ in range(LOCK_AFTER):
        login(identity_db, PASSWORD, email="niemand@voorbeeld.nl")
    assert login(identity_db, PASSWORD, email="niemand@voorbeeld.nl") is None
    assert identity_db.all(LoginAttempt, LoginAttempt.reason == "locked")


def test_lockout_writes_an_event_and_a_mail_command_to_the_outbox(identity_db, account_id):
    lock_from(identity_db)
    [event] = lock_events(identity_db)
    assert event["kind"] == "event" and event["exchange"] == "identity.events"
    assert event["payload"]["account_id"] == account_id
    [command] = [m for m in identity_db.outbox() if m["kind"] == "command"]
    assert command["routing_key"] == "notify"
    assert command["payload"]["command"] == "send_notification"
    assert command["payload"]["template"] == "account_locked"
    assert command["payload"]["to"] == {"email": EMAIL}
    assert command["payload"]["data"]["forgot_url"].startswith(PUBLIC_URL)
    assert command["payload"]["data"]["source_ip"] == IP


def test_wrong_passwords_while_locked_do_not_lock_again(identity_db, account_id):
    lock_from(identity_db)
    for _ in range(3):
        login(identity_db, "Verkeerd-1")
    assert len(lock_events(identity_db)) == 1


def test_the_lock_ends_after_its_time(identity_db, account_id):
    lock_from(identity_db)
    with identity_db.engine.begin() as connection:  # fifteen minutes pass
        connection.execute(
            buckets.table.update().values(updated_at=utcnow() - timedelta(minutes=15, seconds=1))
        )
    assert login(identity_db, PASSWORD) is not None


def test_a_success_resets_the_count(identity_db, account_id):
    for _ in range(LOCK_AFTER - 1):
        login(identity_db, "Verkeerd-1")
    assert login(identity_db, PASSWORD) is not None
    assert login(identity_db, "Verkeerd-1") is None
    assert login(identity_db, PASSWORD) is not None
    assert lock_events(identity_db) == []


def test_misses_from_one_address_are_throttled_before_any_hashing(identity_db, account_id):
    policy = guard.Policy(per_address=guard.MISSES_PER_ADDRESS.scaled(2))
    for n in range(2):
        login(identity_db, PASSWORD, email=f"iemand-{n}@voorbeeld.nl", policy=policy)
    with pytest.raises(RateLimited) as refused:
        login(identity_db, PASSWORD, policy=policy)
    assert refused.value.details["retry_after_s"] >= 1
    assert login(identity_db, PASSWORD, ip=OTHER_IP, policy=policy) is not None


def test_misses_at_an_account_slow_strangers_but_not_its_known_address(identity_db, account_id):
    policy = guard.Policy(per_account=guard.MISSES_PER_ACCOUNT.scaled(2))
    assert login(identity_db, PASSWORD, policy=policy) is not None  # the owner's address
    for n in range(2):
        login(identity_db, "Verkeerd-1", ip=f"192.0.2.{n}", policy=policy)
    with pytest.raises(RateLimited):
        login(identity_db, PASSWORD, ip=OTHER_IP, policy=policy)
    assert login(identity_db, PASSWORD, policy=policy) is not None


# -- authenticate ---------------------------------------------------------------------------


def test_authenticate_returns_the_principal(identity_db, account_id):
    token = login(identity_db, PASSWORD)["token"]
    principal = authenticate(identity_db, token)
    assert principal["account_id"] == account_id
    assert (principal["kind"], principal["language"], principal["read_only"]) == (
        "client",
        "nl",
        False,
    )
    assert identity_db.get(Session, principal["session_id"]).account_id == account_id


@pytest.mark.parametrize("token", ["no-such-token", "", None])
def test_unknown_token_is_unauthenticated(identity_db, account_id, token):
    with pytest.raises(Unauthenticated) as raised:
        authenticate(identity_db, token)
    assert raised.type is Unauthenticated


def test_token_of_a_logged_out_session_is_unauthenticated(identity_db, account_id):
    token = login(identity_db, PASSWORD)["token"]
    session_id = authenticate(identity_db, token)["session_id"]
    with identity_db.unit_of_work() as uow:
        sessions.logout(uow, session_id, account_id)
    with pytest.raises(Unauthenticated) as raised:
        authenticate(identity_db, token)
    assert raised.type is Unauthenticated


def test_session_idle_past_the_timeout_has_expired(identity_db, account_id):
    token = login(identity_db, PASSWORD)["token"]
    session = session_of(identity_db, token)
    identity_db.set(Session, session.id, last_activity_at=utcnow() - timedelta(seconds=601))
    with pytest.raises(SessionExpired):
        authenticate(identity_db, token)


def test_session_idle_just_under_the_timeout_still_works(identity_db, account_id):
    token = login(identity_db, PASSWORD)["token"]
    session = session_of(identity_db, token)
    identity_db.set(Session, session.id, last_activity_at=utcnow() - timedelta(seconds=590))
    assert authenticate(identity_db, token)["account_id"] == account_id


def test_active_session_older_than_max_age_has_expired(identity_db, account_id):
    token = login(identity_db, PASSWORD)["token"]
    session = session_of(identity_db, token)
    identity_db.set(Session, session.id, created_at=utcnow() - timedelta(hours=12, seconds=1))
    with pytest.raises(SessionExpired):
        authenticate(identity_db, token)


def test_touch_false_leaves_last_activity_alone(identity_db, account_id):
    token = login(identity_db, PASSWORD)["token"]
    session = session_of(identity_db, token)
    earlier = utcnow() - timedelta(minutes=5)
    identity_db.set(Session, session.id, last_activity_at=earlier)
    authenticate(identity_db, token, touch=False)
    assert identity_db.get(Session, session.id).last_activity_at == earlier


def test_touch_moves_last_activity_to_now(identity_db, account_id):
    token = login(identity_db, PASSWORD)["token"]
    session = session_of(identity_db, token)
    identity_db.set(Session, session.id, last_activity_at=utcnow() - timedelta(minutes=5))
    before = utcnow()
    authenticate(identity_db, token, touch=True)
    assert identity_db.get(Session, session.id).last_activity_at >= before


def test_describe_session_counts_from_the_last_activity(identity_db, account_id):
    token = login(identity_db, PASSWORD)["token"]
    session = session_of(identity_db, token)
    activity = utcnow() - timedelta(minutes=3)
    identity_db.set(Session, session.id, last_activity_at=activity)
    with identity_db.unit_of_work() as uow:
        described = sessions.describe_session(uow, CLOCK, session.id)
    assert described["expires_at"] == (activity + timedelta(seconds=600)).isoformat()
    assert described["warn_at"] == (activity + timedelta(seconds=480)).isoformat()
