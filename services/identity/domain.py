"""Identity's rules, free of nameko and SQLAlchemy."""

import base64
import binascii
import ipaddress
import secrets
from dataclasses import dataclass
from datetime import timedelta
from functools import lru_cache
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from services.common.tokens import digest

PASSWORD_MIN_LENGTH = 8
PASSWORD_MAX_LENGTH = 128
LOCK_AFTER_FAILURES = 10
LOCK_DURATION = timedelta(minutes=15)
RESET_TOKEN_VALIDITY = timedelta(hours=1)
RESETS_PER_HOUR = 5  # more requests for one account are answered the same, but not sent
SESSION_MAX_AGE = timedelta(hours=12)  # even an active session ends after this
LOOK_ALONG_MAX_AGE = timedelta(minutes=30)

_hasher = PasswordHasher()  # argon2id


def _in_place(function, *args):
    return function(*args)


# How the slow hashing runs. The service sets it to a thread pool (eventlet's tpool),
# so that one sign-in does not stop every other request of the process meanwhile.
offload = _in_place
# Verifying against this when the account is unknown makes both answers equally slow.
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))


@lru_cache(maxsize=1)
def common_passwords():
    path = Path(__file__).with_name("data") / "common-passwords.txt"
    return frozenset(
        line.strip().lower()
        for line in path.read_text().splitlines()
        if line.strip() and not line.startswith("#")
    )


def password_rule_failures(password):
    """The names of the password rules `password` breaks (docs/api.md), empty when strong."""
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
    return offload(_hasher.hash, password)


def verify_password(password_hash, password):
    try:
        return offload(_hasher.verify, password_hash or _DUMMY_HASH, password) and bool(
            password_hash
        )
    except (VerificationError, InvalidHashError):
        return False


def normalise_email(email):
    return email.strip().lower()


def is_locked(account, now):
    return account.locked_until is not None and account.locked_until > now


@dataclass(frozen=True)
class SessionClock:
    """Idle timeout with a warning window: a session expires `idle_timeout_s` after
    its last activity, and the warning starts `warning_s` before that.

    Activity is written at most once per `activity_interval` (ACTIVITY_WRITE_INTERVAL_S,
    and never coarser than a tenth of the idle timeout), not on every request: the
    idle timeout is exact to within that interval."""

    idle_timeout_s: int
    warning_s: int
    activity_write_interval_s: float = 30

    @property
    def activity_interval(self):
        return min(float(self.activity_write_interval_s), self.idle_timeout_s / 10)

    def activity_due(self, session, now):
        return (now - session.last_activity_at).total_seconds() >= self.activity_interval

    def facts(self, session):
        """What the gateway keeps beside a cached principal (gateway/principals.py)."""
        return {
            "expires_at": self.expires_at(session).isoformat(),
            "last_activity_at": session.last_activity_at.isoformat(),
            "activity_interval_s": self.activity_interval,
        }

    def expires_at(self, session):
        idle_end = session.last_activity_at + timedelta(seconds=self.idle_timeout_s)
        return min(idle_end, session.created_at + SESSION_MAX_AGE)

    def describe(self, session):
        expires_at = self.expires_at(session)
        return {
            "expires_at": expires_at.isoformat(),
            "warn_at": (expires_at - timedelta(seconds=self.warning_s)).isoformat(),
            "max_expires_at": (session.created_at + SESSION_MAX_AGE).isoformat(),
            "idle_timeout_s": self.idle_timeout_s,
            "warning_s": self.warning_s,
        }


# -- devices -----------------------------------------------------------------------------
REGISTRATION_ATTEMPTS = 3
CODE_VALIDITY = timedelta(minutes=10)
CODE_ATTEMPTS = 5
CODES_PER_HOUR = 5  # registration codes sent to one person
CHALLENGE_VALIDITY = timedelta(minutes=2)
APP_LOGIN_VALIDITY = timedelta(minutes=5)
_PLATFORMS = (
    ("iPad", "iPadOS"),
    ("iPhone", "iOS"),
    ("Android", "Android"),
    ("CrOS", "ChromeOS"),
    ("Windows", "Windows"),
    ("Mac OS X", "macOS"),
    ("Macintosh", "macOS"),
    ("Linux", "Linux"),
)


def platform_of(user_agent):
    """The operating system a browser names in its User-Agent, or None."""
    return next((name for token, name in _PLATFORMS if token in (user_agent or "")), None)


def network_of(address):
    """The network an address belongs to, roughly (IPv4 /24, IPv6 /64), or None: said
    to the person approving a sign-in, not used to decide anything."""
    try:
        ip = ipaddress.ip_address((address or "").strip())
    except ValueError:
        return None
    prefix = 24 if ip.version == 4 else 64
    return str(ipaddress.ip_network(f"{ip}/{prefix}", strict=False))


PLACEHOLDER_NAME = "adviseur1"


def new_code():
    """A 6-digit code and its hash."""
    code = f"{secrets.randbelow(10**6):06d}"
    return code, digest(code)


def new_challenge():
    return secrets.token_urlsafe(32)


def new_pairing_code():
    """Eight characters without look-alikes, easy to type on a phone."""
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "".join(secrets.choice(alphabet) for _ in range(8))


def parse_public_key(text):
    """-> the base64 text of a raw 32-byte Ed25519 key, or None when it is not one."""
    try:
        raw = base64.b64decode(text, validate=True)
        Ed25519PublicKey.from_public_bytes(raw)
    except (binascii.Error, ValueError, TypeError):
        return None
    return base64.b64encode(raw).decode() if len(raw) == 32 else None


def signature_valid(public_key_b64, signature_b64, message):
    """Ed25519 over the UTF-8 bytes of `message`."""
    try:
        key = Ed25519PublicKey.from_public_bytes(base64.b64decode(public_key_b64))
        key.verify(base64.b64decode(signature_b64, validate=True), message.encode())
        return True
    except (InvalidSignature, binascii.Error, ValueError, TypeError):
        return False


def version_tuple(text):
    return tuple(int(part) for part in text.split("."))


def version_supported(version, minimum):
    return not minimum or version_tuple(version) >= version_tuple(minimum)
