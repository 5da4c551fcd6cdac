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
    value = struct.unpack(">I", digest[offset:offset + 4])[0] & 0x7FFFFFFF
    return f"{value % 10 ** DIGITS:0{DIGITS}d}"


def verify(secret, code, now=None, window=1):
    """True when `code` is the code of this 30-second step or one step either side."""
    counter = int((now if now is not None else time.time()) // STEP_S)
    return any(hmac.compare_digest(code_at(secret, counter + drift), code or "")
               for drift in range(-window, window + 1))


def provisioning_uri(secret, account_name, issuer="Kluis"):
    return (f"otpauth://totp/{quote(issuer)}:{quote(account_name)}?secret={secret}"
            f"&issuer={quote(issuer)}&algorithm=SHA1&digits={DIGITS}&period={STEP_S}")
