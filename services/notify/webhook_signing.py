"""Webhook secrets and signatures (docs/integrations.md).

Signature: `Kluis-Webhook-Signature: v1=<hex HMAC-SHA256(secret, f"{timestamp}.{body}")>`,
the secret's UTF-8 text as the key, `timestamp` the `Kluis-Webhook-Timestamp` header
(Unix seconds), `body` the exact bytes received.

The secret is shown once, at registration; notify must sign with it, so it keeps it
encrypted (AES-GCM, the webhook id as associated data) with WEBHOOK_SECRET_KEY (base64
of 32 bytes), or when that is empty with a key file made on first use under
$KLUIS_VAR/keys/notify-webhooks.key."""

import base64
import hashlib
import hmac
import os
import secrets

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from services.common.files import secret_key
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


class SecretBox:
    def __init__(self, key):
        self._aead = AESGCM(hmac.new(key, b"kluis webhook secrets", hashlib.sha256).digest())

    @classmethod
    def from_config(cls, config):
        path = kluis_var() / "keys" / "notify-webhooks.key"
        key = secret_key(config.get("WEBHOOK_SECRET_KEY"), "WEBHOOK_SECRET_KEY", path)
        return cls(key)

    def seal(self, secret, webhook_id):
        nonce = os.urandom(12)
        sealed = self._aead.encrypt(nonce, secret.encode(), webhook_id.encode())
        return base64.b64encode(nonce + sealed).decode()

    def open(self, sealed, webhook_id):
        raw = base64.b64decode(sealed)
        return self._aead.decrypt(raw[:12], raw[12:], webhook_id.encode()).decode()
