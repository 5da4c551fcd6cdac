"""RFC 6238 TOTP as authenticator apps compute it, and recovery codes."""

import base64

import pytest

from services.identity import totp
from services.identity.second_factor import _normal_recovery, new_recovery_code

RFC_SECRET = base64.b32encode(b"12345678901234567890").decode()


@pytest.mark.parametrize(
    "time_s, code",
    [(59, "287082"), (1111111109, "081804"), (1234567890, "005924"), (2000000000, "279037")],
)
def test_rfc_6238_sha1_vectors_truncated_to_six_digits(time_s, code):
    assert totp.code_at(RFC_SECRET, time_s // 30) == code
    assert totp.matching_step(RFC_SECRET, code, now=time_s) == time_s // 30


def test_one_step_of_drift_either_way_and_no_more():
    now = 1111111109
    step = now // 30
    assert totp.matching_step(RFC_SECRET, totp.code_at(RFC_SECRET, step - 1), now=now) == step - 1
    assert totp.matching_step(RFC_SECRET, totp.code_at(RFC_SECRET, step + 1), now=now) == step + 1
    assert totp.matching_step(RFC_SECRET, totp.code_at(RFC_SECRET, step + 2), now=now) is None
    assert totp.matching_step(RFC_SECRET, None, now=now) is None


def test_a_code_of_a_spent_step_no_longer_counts():
    now = 1111111109
    step = now // 30
    code = totp.code_at(RFC_SECRET, step)
    assert totp.matching_step(RFC_SECRET, code, now=now, after=step) is None
    assert totp.matching_step(RFC_SECRET, code, now=now, after=step - 1) == step
    older = totp.code_at(RFC_SECRET, step - 1)
    assert totp.matching_step(RFC_SECRET, older, now=now, after=step) is None


def test_secrets_and_provisioning_uri():
    secret = totp.new_secret()
    assert len(base64.b32decode(secret + "=" * (-len(secret) % 8))) == 20
    uri = totp.provisioning_uri(secret, "beheer@kluis.nl")
    assert uri.startswith("otpauth://totp/Kluis:beheer%40kluis.nl?secret=" + secret)
    assert "digits=6" in uri and "period=30" in uri


def test_recovery_codes_are_random_and_typed_loosely():
    codes = {new_recovery_code() for _ in range(50)}
    assert len(codes) == 50
    code = codes.pop()
    assert len(code) == 14 and code.count("-") == 2
    assert _normal_recovery(code.lower().replace("-", " ")) == code.replace("-", "")
