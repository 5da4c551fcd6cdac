"""Secrets that are kept only as their hash: session and link tokens, codes, tickets,
poll secrets. The hash is looked up or compared; the secret itself is never stored."""

import hashlib


def digest(secret: str | None) -> str:
    """The SHA-256 (hex) of `secret` (None hashes as the empty text: never a match)."""
    return hashlib.sha256((secret or "").encode()).hexdigest()
