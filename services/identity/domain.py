"""Identity's rules, free of nameko and SQLAlchemy."""
import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta
from functools import lru_cache
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

PASSWORD_MIN_LENGTH = 8
PASSWORD_MAX_LENGTH = 128
LOCK_AFTER_FAILURES = 10
LOCK_DURATION = timedelta(minutes=15)
RESET_TOKEN_VALIDITY = timedelta(hours=1)
RESETS_PER_HOUR = 5  # more requests for one account are answered the same, but not sent
SESSION_MAX_AGE = timedelta(hours=12)  # even an active session ends after this

_hasher = PasswordHasher()  # argon2id
# Verifying against this when the account is unknown makes both answers equally slow.
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))


@lru_cache(maxsize=1)
def common_passwords():
    path = Path(__file__).with_name("data") / "common-passwords.txt"
    return frozenset(line.strip().lower() for line in path.read_text().splitlines()
                     if line.strip() and not line.startswith("#"))


def password_rule_failures(password):
    """The names of the password rules `password` breaks (API.md), empty when strong."""
    failed = []
    if len(password) < PASSWORD_MIN_LENGTH:
        failed.append("min_length")
    if len(password) > PASSWORD_MAX_LENGTH:
        failed.append("max_length")
    if not any(c.isupper() for c in password):
        failed.append("uppercase")
    if not any(c.isdigit() for c in password):
        failed.append("digit")
    if password.lower() in common_passwords():
        failed.append("common")
    return failed


def hash_password(password):
    return _hasher.hash(password)


def verify_password(password_hash, password):
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and bool(password_hash)
    except (VerificationError, InvalidHashError):
        return False


def new_token():
    """An opaque random token (256 bits) and the hash that is stored instead of it."""
    token = secrets.token_urlsafe(32)
    return token, hash_token(token)


def hash_token(token):
    return hashlib.sha256(token.encode()).hexdigest()


def normalise_email(email):
    return email.strip().lower()


def is_locked(account, now):
    return account.locked_until is not None and account.locked_until > now


@dataclass(frozen=True)
class SessionClock:
    """Idle timeout with a warning window: a session expires `idle_timeout_s` after
    its last activity, and the warning starts `warning_s` before that."""
    idle_timeout_s: int
    warning_s: int

    def expires_at(self, session):
        idle_end = session.last_activity_at + timedelta(seconds=self.idle_timeout_s)
        return min(idle_end, session.created_at + SESSION_MAX_AGE)

    def describe(self, session):
        expires_at = self.expires_at(session)
        return {"expires_at": expires_at.isoformat(),
                "warn_at": (expires_at - timedelta(seconds=self.warning_s)).isoformat(),
                "idle_timeout_s": self.idle_timeout_s, "warning_s": self.warning_s}
