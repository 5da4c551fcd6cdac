"""RFC 6238 time-based one-time passwords (SHA-1, 30 s, 6 digits), as authenticator
apps make them."""

import base64
import hashlib
import hmac
import secrets
import struct
import time
from urllib.parse import quote

STEP_S = 30
DIGITS = 6


def new_secret():
    return base64.b32encode(secrets.token_bytes(20)).decode().rstrip("=")


def code_at(secret, counter):
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{value % 10**DIGITS:0{DIGITS}d}"


def matching_step(secret, code, now=None, window=1, after=None):
    """The 30-second step whose code `code` is (this step or one either side), or None.
    Steps up to `after` do not count: a code accepted once is spent."""
    counter = int((now if now is not None else time.time()) // STEP_S)
    for step in range(counter - window, counter + window + 1):
        if (after is None or step > after) and hmac.compare_digest(
            code_at(secret, step), code or ""
        ):
            return step
    return None


def provisioning_uri(secret, account_name, issuer="Kluis"):
    return (
        f"otpauth://totp/{quote(issuer)}:{quote(account_name)}?secret={secret}"
        f"&issuer={quote(issuer)}&algorithm=SHA1&digits={DIGITS}&period={STEP_S}"
    )
