"""Webhook signatures and sealed secrets (services/notify/webhook_signing.py): the
scheme docs/integrations.md gives receivers, checked against an independent
computation."""

import hashlib
import hmac
import os
import re
import time
from pathlib import Path

import pytest
from cryptography.exceptions import InvalidTag

from services.notify.webhook_signing import SecretBox, new_secret, signature, verify


def test_the_signature_is_hmac_sha256_of_timestamp_dot_body_in_hex():
    secret, body = "whsec_abc", b'{"id":"e1","type":"document_uploaded"}'
    expected = hmac.new(b"whsec_abc", b"1767225600." + body, hashlib.sha256).hexdigest()
    assert signature(secret, 1767225600, body) == f"v1={expected}"


def test_verify_accepts_the_signature_and_nothing_changed():
    secret, body = new_secret(), b'{"id":"e1"}'
    header = signature(secret, 1700000000, body)
    assert verify(secret, 1700000000, body, header)
    assert verify(secret, 1700000000, body, f"v0=abc, {header}")  # one of several
    assert not verify(secret, 1700000001, body, header)  # another time
    assert not verify(secret, 1700000000, b'{"id":"e2"}', header)  # another body
    assert not verify(new_secret(), 1700000000, body, header)  # another secret


def test_secrets_are_random_and_prefixed():
    first, second = new_secret(), new_secret()
    assert first != second and first.startswith("whsec_") and len(first) > 40


def test_a_sealed_secret_opens_only_with_its_key_and_for_its_webhook():
    box = SecretBox(os.urandom(32))
    secret = new_secret()
    sealed = box.seal(secret, "webhook-1")
    assert secret not in sealed
    assert box.open(sealed, "webhook-1") == secret
    with pytest.raises(InvalidTag):
        box.open(sealed, "webhook-2")
    with pytest.raises(InvalidTag):
        SecretBox(os.urandom(32)).open(sealed, "webhook-1")


def test_the_key_comes_from_the_configuration_or_a_key_file(tmp_path, monkeypatch):
    monkeypatch.setenv("KLUIS_VAR", str(tmp_path))
    made = SecretBox.from_config({})
    again = SecretBox.from_config({})
    assert again.open(made.seal("s", "w"), "w") == "s"
    with pytest.raises(ValueError):
        SecretBox.from_config({"WEBHOOK_SECRET_KEY": "c2hvcnQ="})  # 5 bytes


def test_the_verification_snippet_in_docs_integrations_md_accepts_our_signatures():
    text = (Path(__file__).resolve().parents[2] / "docs" / "integrations.md").read_text()
    snippet = re.search(r"```python\n(.*?)```", text, re.S).group(1)
    namespace = {}
    exec(snippet, namespace)
    secret, body, now = new_secret(), b'{"id":"e1","type":"client_invited"}', int(time.time())
    headers = {
        "Kluis-Webhook-Timestamp": str(now),
        "Kluis-Webhook-Signature": signature(secret, now, body),
    }
    assert namespace["verify"](secret, headers, body)
    assert not namespace["verify"](secret, headers, body + b" ")
    stale = {**headers, "Kluis-Webhook-Timestamp": str(now - 3600)}
    stale["Kluis-Webhook-Signature"] = signature(secret, now - 3600, body)
    assert not namespace["verify"](secret, stale, body)
