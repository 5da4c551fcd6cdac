"""Identity's rules without any I/O: password strength, hashing, tokens, the session clock."""

import base64
import hashlib
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest

from services.common.tokens import digest, matches, new_token
from services.identity import domain
from services.identity.domain import SessionClock

STRONG = "Zonnebloem-84"


# -- password rules (docs/api.md: >= 8 characters, a capital, a digit, not common) ---------------


def test_a_strong_password_breaks_no_rule():
    assert domain.password_rule_failures(STRONG) == []


@pytest.mark.parametrize(
    "password, rule",
    [
        ("Kort-1A", "min_length"),
        ("A1" + "b" * 127, "max_length"),
        ("kluisje-zonder-hoofdletter-7", "uppercase"),
        ("Kluisje-zonder-cijfer", "digit"),
        ("Welkom123", "common"),
        ("Password1", "common"),
    ],
)
def test_each_broken_rule_is_named_alone(password, rule):
    assert domain.password_rule_failures(password) == [rule]


def test_lengths_at_the_limits_are_allowed():
    assert domain.password_rule_failures("Abcdef-1") == []
    assert domain.password_rule_failures("A1" + "c" * 126) == []


def test_several_broken_rules_are_all_named():
    assert sorted(domain.password_rule_failures("zqxw")) == ["digit", "min_length", "uppercase"]


@pytest.mark.parametrize("password", ["WELKOM123", "wElKoM123", "PASSWORD1"])
def test_the_common_list_is_compared_case_insensitively(password):
    assert "common" in domain.password_rule_failures(password)


def test_the_bundled_list_holds_dutch_favourites():
    assert {"welkom123", "password1"} <= domain.common_passwords()


# -- hashing (argon2id) ------------------------------------------------------------------------


def test_hash_is_argon2id_and_verifies_only_the_right_password():
    password_hash = domain.hash_password(STRONG)
    assert password_hash.startswith("$argon2id$")
    assert STRONG not in password_hash
    assert domain.verify_password(password_hash, STRONG) is True
    assert domain.verify_password(password_hash, STRONG + "x") is False


def test_same_password_hashes_differently_each_time():
    assert domain.hash_password(STRONG) != domain.hash_password(STRONG)


@pytest.mark.parametrize("stored", [None, "", "not-an-argon2-hash"])
def test_a_missing_or_broken_hash_never_verifies(stored):
    assert domain.verify_password(stored, STRONG) is False


# -- tokens ------------------------------------------------------------------------------------


def test_token_carries_at_least_128_random_bits():
    token, _ = new_token()
    raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
    assert len(raw) * 8 >= 128


def test_token_hash_is_sha256_hex_of_the_token_and_not_the_token():
    token, token_hash = new_token()
    assert re.fullmatch(r"[0-9a-f]{64}", token_hash)
    assert token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token_hash == digest(token)
    assert token_hash != token


def test_tokens_do_not_repeat():
    tokens = {new_token()[0] for _ in range(50)}
    assert len(tokens) == 50


def test_a_token_matches_only_its_own_hash():
    token, token_hash = new_token()
    assert matches(token_hash, token)
    assert not matches(token_hash, token[:-1])
    assert not matches(token_hash, None) and not matches(None, token) and not matches(None, "")


def test_email_is_normalised_to_trimmed_lower_case():
    assert domain.normalise_email("  Klant@Voorbeeld.NL ") == "klant@voorbeeld.nl"


# -- session clock -----------------------------------------------------------------------------


@dataclass
class SessionTimes:
    created_at: datetime
    last_activity_at: datetime


T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
CLOCK = SessionClock(idle_timeout_s=600, warning_s=120)


def test_session_expires_idle_timeout_after_last_activity():
    session = SessionTimes(created_at=T0, last_activity_at=T0 + timedelta(minutes=30))
    assert CLOCK.expires_at(session) == T0 + timedelta(minutes=40)


def test_session_lifetime_is_capped_by_max_age_however_active():
    created = T0
    active = created + domain.SESSION_MAX_AGE - timedelta(seconds=30)
    session = SessionTimes(created_at=created, last_activity_at=active)
    assert CLOCK.expires_at(session) == created + domain.SESSION_MAX_AGE


def test_describe_warns_warning_s_before_expiry():
    session = SessionTimes(created_at=T0, last_activity_at=T0 + timedelta(minutes=5))
    described = CLOCK.describe(session)
    expires_at = datetime.fromisoformat(described["expires_at"])
    warn_at = datetime.fromisoformat(described["warn_at"])
    assert expires_at == T0 + timedelta(minutes=15)
    assert expires_at - warn_at == timedelta(seconds=120)
    assert (described["idle_timeout_s"], described["warning_s"]) == (600, 120)


def test_describe_uses_the_capped_expiry_for_the_warning_too():
    created = T0
    session = SessionTimes(
        created_at=created, last_activity_at=created + domain.SESSION_MAX_AGE - timedelta(minutes=1)
    )
    described = CLOCK.describe(session)
    assert datetime.fromisoformat(described["expires_at"]) == created + domain.SESSION_MAX_AGE
    assert datetime.fromisoformat(
        described["warn_at"]
    ) == created + domain.SESSION_MAX_AGE - timedelta(seconds=120)


def test_a_short_common_password_names_common_alongside_the_other_rules():
    assert sorted(domain.password_rule_failures("abc")) == [
        "common",
        "digit",
        "min_length",
        "uppercase",
    ]
