"""Personal fields in a database, sealed under the key of the person they are about, so
that destroying that one key erases them everywhere a copy lives (crypto-shredding, as
documents does for blobs: issue #18, docs/privacy.md). No I/O here beyond the
one-machine key files, and no nameko or SQLAlchemy: the models' side is in
sealed_columns.py.

- A *field key* is 32 random bytes made for one owner (a client record, an account). It is
  stored beside the data, wrapped (AES-GCM) by a key-encryption key of the
  `FieldKeyring` and bound to its own id; destroying the stored wrapped key is the
  erasure.
- A sealed value is text: `s1.` + base64url(nonce | AES-GCM(field key, UTF-8 text, aad =
  the field's context, e.g. "clients.name:<row id>")). The context binds a value to its
  row and column: a sealed name copied into another row or column does not open.
- A *blind index* (`FieldKeyring.blind`) is HMAC-SHA256 of a normalised value under the
  index key, for the equality look-ups that need no plaintext (who has this e-mail
  address?). It is personal data too (whoever holds the index key can test a guess), so
  it is removed with the data.

Keys come from settings (FIELD_KEYS "id:base64,...", FIELD_KEY_ID, FIELD_INDEX_KEY) or,
when those are empty, from files under $KLUIS_VAR/keys made on first use (one machine).
"""

import base64
import binascii
import hashlib
import hmac
import os
import re
import uuid
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from .files import link_new, secret_key
from .settings import kluis_var, setting

PREFIX = "s1."
KEY_ID = re.compile(r"[A-Za-z0-9._-]{1,32}")
KEY_FILE = Path("keys") / "field-kek.key"
INDEX_KEY_FILE = Path("keys") / "field-index.key"
DEFAULT_KEY_ID = "local-1"


@dataclass(frozen=True)
class FieldSettings:
    """The settings of a service that seals personal fields (its Store reads them)."""

    keys: str = setting("FIELD_KEYS", "", "kek-id:base64,...; empty: a key file under KLUIS_VAR")
    key_id: str = setting("FIELD_KEY_ID", "", "the active key; empty: the last listed")
    index_key: str = setting("FIELD_INDEX_KEY", "", "base64; empty: a key file under KLUIS_VAR")

    def keyring(self):
        return FieldKeyring.from_settings(self.keys, self.key_id, self.index_key, kluis_var())


class FieldKeyShredded(Exception):
    """The owner's field key was destroyed: their sealed fields can never be read, and
    nothing new is sealed for them."""


class FieldDamaged(Exception):
    """A sealed value or a wrapped key that does not open (changed, moved to another row,
    or sealed under a key-encryption key this keyring does not have)."""


class FieldKey(NamedTuple):
    """An owner's field key: `id` (32 hex characters) and `key` (32 random bytes). Never
    logged: see __repr__."""

    id: str
    key: bytes

    def __repr__(self):
        return f"FieldKey(id={self.id!r})"

    @classmethod
    def new(cls):
        return cls(uuid.uuid4().hex, AESGCM.generate_key(bit_length=256))


class FieldKeyring:
    """The key-encryption keys of one service's field keys (rotation: add a key, make it
    active, keep the old ones listed) and its blind-index key."""

    CACHE_SIZE = 65536  # unwrapped keys kept (an office's clients on a list: all hits)

    def __init__(self, keks: dict[str, bytes], active_id: str, index_key: bytes):
        for kek_id, kek in keks.items():
            if not KEY_ID.fullmatch(kek_id) or len(kek) != 32:
                raise ValueError(f"field key {kek_id!r}: an id like {KEY_ID.pattern}, 32 bytes")
        if active_id not in keks:
            raise ValueError(f"FIELD_KEY_ID {active_id!r} is not one of the field keys")
        if len(index_key) < 32:
            raise ValueError("FIELD_INDEX_KEY must be at least 32 bytes")
        self._keks = dict(keks)
        self.active_id = active_id
        self._index_key = index_key
        # unwrapped keys by key id, least recently used first: ~100 bytes each
        self._open: OrderedDict[str, tuple[str, bytes, FieldKey]] = OrderedDict()

    def __repr__(self):  # never show key material
        return f"FieldKeyring(ids={sorted(self._keks)}, active_id={self.active_id!r})"

    @classmethod
    def from_settings(cls, keys_text, active_id, index_key_text, var_dir):
        """The keyring from FIELD_KEYS, FIELD_KEY_ID (default: the last listed) and
        FIELD_INDEX_KEY; an empty one means the key file under `var_dir`/keys, made on
        first use. ValueError naming the setting when one is wrong."""
        keys_text = (keys_text or "").strip()
        if not keys_text:
            path = Path(var_dir) / KEY_FILE
            text = f"{DEFAULT_KEY_ID}:{base64.b64encode(os.urandom(32)).decode()}\n"
            os.makedirs(path.parent, mode=0o700, exist_ok=True)
            if not path.exists():
                link_new(path, text.encode(), 0o600)  # lost a race: the winner's is read
            keys_text = path.read_text()
        keks = parse_keys(keys_text)
        active_id = (active_id or "").strip() or list(keks)[-1]
        index_key = secret_key(index_key_text, "FIELD_INDEX_KEY", Path(var_dir) / INDEX_KEY_FILE)
        return cls(keks, active_id, index_key)

    # -- field keys ------------------------------------------------------------------
    def new_key(self):
        """-> (FieldKey, kek_id, wrapped bytes): a fresh key and what to store of it."""
        key = FieldKey.new()
        nonce = os.urandom(12)
        sealed = AESGCM(self._keks[self.active_id]).encrypt(nonce, key.key, key.id.encode())
        return key, self.active_id, nonce + sealed

    def open_key(self, kek_id, key_id, wrapped):
        """-> the FieldKey stored as (kek_id, wrapped); FieldKeyShredded when `wrapped` is
        None (destroyed), FieldDamaged when it does not open. Opened keys are kept in
        memory by their stored form: a destroyed key is never asked for again."""
        if wrapped is None:
            raise FieldKeyShredded()
        wrapped = bytes(wrapped)
        known = self._open.get(key_id)
        if known is not None and known[:2] == (kek_id, wrapped):
            self._open.move_to_end(key_id)
            return known[2]
        key = self._unwrap(kek_id, key_id, wrapped)
        self._open[key_id] = (kek_id, wrapped, key)
        while len(self._open) > self.CACHE_SIZE:
            self._open.popitem(last=False)
        return key

    def forget(self, key_id):
        """Drop the unwrapped key `key_id` from memory (its owner is being erased)."""
        self._open.pop(key_id, None)

    def cached(self, key_id):
        """Whether the unwrapped key `key_id` is held in memory (tests)."""
        return key_id in self._open

    def _unwrap(self, kek_id, key_id, wrapped):
        kek = self._keks.get(kek_id)
        if kek is None:
            raise FieldDamaged("unknown key-encryption key")
        try:
            return FieldKey(
                key_id, AESGCM(kek).decrypt(wrapped[:12], wrapped[12:], key_id.encode())
            )
        except (InvalidTag, ValueError):
            raise FieldDamaged("the field key does not open") from None

    # -- blind index -----------------------------------------------------------------
    def blind(self, value):
        """-> the blind index of `value` (64 hex characters), None for None/empty. The
        caller normalises first (an e-mail address: `blind_email`)."""
        if not value:
            return None
        return hmac.new(self._index_key, value.encode(), hashlib.sha256).hexdigest()

    def blind_email(self, address):
        """-> the blind index of an e-mail address, compared without case or spaces."""
        return self.blind((address or "").strip().lower())


def parse_keys(text, source="FIELD_KEYS"):
    """ "id:base64,id:base64" -> {id: key} (key-encryption keys, 32 bytes each: FIELD_KEYS
    here, BLOB_KEYS in documents); errors name `source` and the id, never a key."""
    keys = {}
    for number, entry in enumerate(text.split(","), start=1):
        kek_id, colon, encoded = entry.strip().partition(":")
        kek_id = kek_id.strip()
        if not colon or not KEY_ID.fullmatch(kek_id):
            raise ValueError(
                f"{source}: entry {number} is not <id>:<base64 key> with an "
                f"id matching {KEY_ID.pattern}"
            )
        if kek_id in keys:
            raise ValueError(f"{source}: key id {kek_id!r} is listed twice")
        try:
            key = base64.b64decode(encoded.strip(), validate=True)
        except (binascii.Error, ValueError):
            raise ValueError(f"{source}: key {kek_id!r} is not valid base64") from None
        if len(key) != 32:
            raise ValueError(f"{source}: key {kek_id!r} must be 32 bytes, got {len(key)}")
        keys[kek_id] = key
    return keys


def is_sealed(value):
    return isinstance(value, str) and value.startswith(PREFIX)


def seal(key: FieldKey, text, context):
    """-> `text` sealed under `key`, bound to `context` ("table.column:row id"); None
    stays None."""
    if text is None:
        return None
    nonce = os.urandom(12)
    sealed = AESGCM(key.key).encrypt(nonce, text.encode(), context.encode())
    return PREFIX + base64.urlsafe_b64encode(nonce + sealed).decode("ascii")


def open_sealed(key: FieldKey, value, context):
    """-> the text of a value `seal` made with the same key and context; None stays None.
    FieldDamaged when it does not open."""
    if value is None:
        return None
    if not is_sealed(value):
        raise FieldDamaged("not a sealed value")
    try:
        raw = base64.urlsafe_b64decode(value[len(PREFIX) :].encode("ascii"))
        return AESGCM(key.key).decrypt(raw[:12], raw[12:], context.encode()).decode()
    except (InvalidTag, ValueError, binascii.Error):
        raise FieldDamaged("a sealed value does not open") from None


def sealed_length(max_chars):
    """The column width a sealed value of up to `max_chars` characters needs (UTF-8 up to
    4 bytes a character, nonce and tag, base64)."""
    return len(PREFIX) + 4 * ((12 + 4 * max_chars + 16 + 2) // 3)
