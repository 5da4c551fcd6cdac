"""Secrets that are kept only as their hash: session and link tokens, codes, tickets,
poll secrets. The hash is looked up or compared; the secret itself is never stored."""

import hashlib
import hmac
import secrets


def digest(secret: str | None) -> str:
    """The SHA-256 (hex) of `secret` (None hashes as the empty text: never a match)."""
    return hashlib.sha256((secret or "").encode()).hexdigest()


def new_token() -> tuple[str, str]:
    """An opaque random token (256 bits) and the hash that is stored instead of it."""
    token = secrets.token_urlsafe(32)
    return token, digest(token)


def matches(secret_hash: str | None, secret: str | None) -> bool:
    """Whether `secret` is the one kept as `secret_hash` (in constant time; no hash
    matches nothing)."""
    return hmac.compare_digest(secret_hash or "", digest(secret))
