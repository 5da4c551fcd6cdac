"""Webhook secrets and signatures (docs/integrations.md).

Signature: `Kluis-Webhook-Signature: v1=<hex HMAC-SHA256(secret, f"{timestamp}.{body}")>`,
the secret's UTF-8 text as the key, `timestamp` the `Kluis-Webhook-Timestamp` header
(Unix seconds), `body` the exact bytes received.

The secret is shown once, at registration; notify must sign with it, so it keeps it
encrypted (AES-GCM, the webhook id as associated data) with WEBHOOK_SECRET_KEY (base64
of 32 bytes), or when that is empty with a key file made on first use under
$KLUIS_VAR/keys/notify-webhooks.key."""

import base64
import binascii
import hashlib
import hmac
import os
import secrets

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from services.common.files import link_new
from services.common.settings import kluis_var

SECRET_PREFIX = "whsec_"


def new_secret():
    return SECRET_PREFIX + secrets.token_urlsafe(32)


def signature(secret, timestamp, body):
    """-> "v1=<hex>" for `body` (bytes) sent at `timestamp` (int seconds)."""
    message = str(int(timestamp)).encode() + b"." + body
    return "v1=" + hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def verify(secret, timestamp, body, header):
    """Whether `header` holds a v1 signature of `body` at `timestamp` (receivers' side)."""
    expected = signature(secret, timestamp, body)
    return any(hmac.compare_digest(expected, part.strip()) for part in header.split(","))


def _key_file(path):
    """The key in `path`, made (32 random bytes, base64) by the first process to ask."""
    if not path.exists():
        os.makedirs(path.parent, mode=0o700, exist_ok=True)
        link_new(path, base64.b64encode(os.urandom(32)), 0o600)  # lost a race: theirs
    return path.read_text().strip()


class SecretBox:
    def __init__(self, key):
        self._aead = AESGCM(hmac.new(key, b"kluis webhook secrets", hashlib.sha256).digest())

    @classmethod
    def from_config(cls, config):
        text = (config.get("WEBHOOK_SECRET_KEY") or "").strip()
        if not text:
            text = _key_file(kluis_var() / "keys" / "notify-webhooks.key")
        try:
            key = base64.b64decode(text, validate=True)
        except (binascii.Error, ValueError):
            raise ValueError("WEBHOOK_SECRET_KEY is not valid base64") from None
        if len(key) < 32:
            raise ValueError("WEBHOOK_SECRET_KEY must be at least 32 bytes")
        return cls(key)

    def seal(self, secret, webhook_id):
        nonce = os.urandom(12)
        sealed = self._aead.encrypt(nonce, secret.encode(), webhook_id.encode())
        return base64.b64encode(nonce + sealed).decode()

    def open(self, sealed, webhook_id):
        raw = base64.b64decode(sealed)
        return self._aead.decrypt(raw[:12], raw[12:], webhook_id.encode()).decode()
