"""Encryption at rest for document blobs: streaming, segmented AES-GCM (no I/O here
beyond the one-machine key file, no nameko).

Every blob gets its own random 256-bit data key, wrapped by one of two kinds of key:
- version 1: a key-encryption key (KEK) from the keyring; the KEK id travels in the
  header so that old blobs stay readable after the active KEK changes;
- version 2: the key of the client the blob belongs to (a random 256-bit key that
  documents keeps in its database wrapped by a KEK: `wrap_client_key`); the header names
  the client key's id. Destroying that one key makes every blob of the client unreadable
  wherever a copy lives (crypto-shredding: see client_keys.py), without rewriting any.
  A client's export is sealed the same way under a key of its own, destroyed when the
  export is gone. The plaintext is cut into SEGMENT-sized pieces, each sealed
on its own (the STREAM construction, as in Tink's streaming AEAD), so neither side ever
holds more than about two segments.

Layout (HEADER_SIZE = 108 bytes, then the segments):
    magic b"KLBLOB" | version 0x01 (KEK) or 0x02 (client key)      7 bytes
    key id length (1..32) | key id, ASCII, zero-padded to 32 bytes   33 bytes
    wrap nonce | AES-GCM(wrapping key, data key, aad = the 40 above) 12 + 48 bytes
    nonce prefix (random)                                           8 bytes
    segment i: AES-GCM(data key, nonce = prefix | i as uint32 BE,
                       aad = header | i as uint32 BE | last flag)    len + 16 bytes
Every segment but the last holds exactly SEGMENT plaintext bytes; the last holds 0 to
SEGMENT (an empty blob is one empty last segment). The id field has a fixed width so that
the sealed size depends on the plaintext size alone (see `sealed_size`).
"""

import base64
import os
import struct
import uuid
from pathlib import Path
from typing import NamedTuple

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from services.common.field_sealing import KEY_ID as _KEY_ID
from services.common.field_sealing import parse_keys
from services.common.files import link_new
from services.documents.exceptions import BlobDamaged

SEGMENT = 256 * 1024
TAG = 16
MAGIC = b"KLBLOB\x01"  # the data key is wrapped by a KEK of the keyring
CLIENT_MAGIC = b"KLBLOB\x02"  # ... by a client key
KEY_ID_MAX = 32
PREFIX_SIZE = 8
_ID_FIELD = 1 + KEY_ID_MAX
_WRAPPED = 12 + 32 + TAG
HEADER_SIZE = len(MAGIC) + _ID_FIELD + _WRAPPED + PREFIX_SIZE
SEALED_SEGMENT = SEGMENT + TAG
_MAX_SEGMENTS = 2**32  # the counter is 32 bits; 1 PiB per blob is plenty
DEFAULT_KEY_ID = "local-1"
KEY_FILE = Path("keys") / "blob-kek.key"


class Keyring:
    """Key-encryption keys by id; new blobs are sealed under `active_id`, any listed key
    opens the blobs sealed under it (rotation: add a key, make it active, keep the old)."""

    def __init__(self, keys, active_id):
        for key_id, key in keys.items():
            if not _KEY_ID.fullmatch(key_id):
                raise ValueError(f"blob key id {key_id!r} must match {_KEY_ID.pattern}")
            if len(key) != 32:
                raise ValueError(f"blob key {key_id!r} must be 32 bytes, got {len(key)}")
        if active_id not in keys:
            raise ValueError(f"active blob key id {active_id!r} is not among the keys")
        self._keys = dict(keys)
        self.active_id = active_id

    def key(self, key_id):
        """-> the KEK with this id; BlobDamaged if there is none (an unknown header)."""
        try:
            return self._keys[key_id]
        except KeyError:
            raise BlobDamaged({"reason": "unknown_key_id"}) from None

    def __repr__(self):  # never show key material
        return f"Keyring(ids={sorted(self._keys)}, active_id={self.active_id!r})"

    @classmethod
    def from_config(cls, keys_text, active_id, var_dir):
        """keys_text: "k1:<base64 of 32 bytes>,k2:<...>" (BLOB_KEYS); active_id
        (BLOB_KEY_ID) defaults to the last listed. Without keys_text, the key in
        var_dir/keys/blob-kek.key, made on first use. ValueError for a bad setting."""
        keys_text = (keys_text or "").strip()
        active_id = (active_id or "").strip() or None
        if keys_text:
            keys = parse_keys(keys_text, "BLOB_KEYS")
        else:
            path = Path(var_dir) / KEY_FILE
            keys = parse_keys(_read_or_create_key_file(path), str(path))
        active_id = active_id or list(keys)[-1]
        if active_id not in keys:
            raise ValueError(f"BLOB_KEY_ID {active_id!r} is not one of the blob keys")
        return cls(keys, active_id)


def _read_or_create_key_file(path):
    """The one-machine default. The new key is written to a private temporary file and
    hard-linked into place, which fails if another process got there first: so a reader
    never sees a half-written file, and every process ends up with the same key."""
    try:
        return path.read_text()
    except FileNotFoundError:
        pass
    os.makedirs(path.parent, mode=0o700, exist_ok=True)
    text = f"{DEFAULT_KEY_ID}:{base64.b64encode(os.urandom(32)).decode()}\n"
    link_new(path, text.encode(), 0o600)  # lost the race: the winner's key is read
    return path.read_text()


class ClientKey(NamedTuple):
    """A client's key: `id` (32 hex characters, named in the headers of the blobs it
    wraps) and `key` (32 random bytes). Never logged: see __repr__."""

    id: str
    key: bytes

    def __repr__(self):
        return f"ClientKey(id={self.id!r})"

    @classmethod
    def new(cls):
        return cls(uuid.uuid4().hex, AESGCM.generate_key(bit_length=256))


def wrap_client_key(keyring, client_key):
    """-> (KEK id, wrapped bytes) to store: the client key sealed under the active KEK,
    bound to its id (a wrapped key moved to another id does not open)."""
    nonce = os.urandom(12)
    kek = keyring.key(keyring.active_id)
    wrapped = AESGCM(kek).encrypt(nonce, client_key.key, client_key.id.encode("ascii"))
    return keyring.active_id, nonce + wrapped


def unwrap_client_key(keyring, kek_id, key_id, wrapped):
    """-> the ClientKey stored as (kek_id, wrapped); BlobDamaged if it does not open."""
    try:
        key = AESGCM(keyring.key(kek_id)).decrypt(wrapped[:12], wrapped[12:], key_id.encode())
    except (InvalidTag, ValueError):
        raise BlobDamaged({"reason": "bad_client_key"}) from None
    return ClientKey(key_id, key)


def sealed_size(plain_size):
    """-> the exact size in bytes of the blob that `seal` makes of plain_size bytes."""
    segments = max(1, -(-plain_size // SEGMENT))
    return HEADER_SIZE + plain_size + segments * TAG


def seal(chunks, keyring, client_key=None):
    """Plaintext chunks of any sizes -> the sealed blob: the header, then one item per
    sealed segment. Holds at most one segment plus one input chunk. The data key is
    wrapped by `client_key` (a ClientKey) if given, else by the keyring's active KEK."""
    data_key = AESGCM.generate_key(bit_length=256)
    if client_key is None:
        header = _make_header(MAGIC, keyring.active_id, keyring.key(keyring.active_id), data_key)
    else:
        header = _make_header(CLIENT_MAGIC, client_key.id, client_key.key, data_key)
    yield header
    cipher = AESGCM(data_key)
    buffer, index = bytearray(), 0
    for chunk in chunks:
        buffer += chunk
        # Strictly more than a segment: only then is this segment known not to be last.
        while len(buffer) > SEGMENT:
            yield _seal_segment(cipher, header, index, bytes(buffer[:SEGMENT]), False)
            del buffer[:SEGMENT]
            index += 1
    yield _seal_segment(cipher, header, index, bytes(buffer), True)


def unseal(chunks, keyring, client_keys=None):
    """Sealed chunks of any sizes -> plaintext, one verified segment at a time (nothing
    is yielded before its tag checks). BlobDamaged for any change, truncation, extension,
    reordering, bad header or unknown key id. `client_keys(key_id)` -> the client key's
    32 bytes, for a version 2 blob (it raises BlobShredded for a destroyed key)."""
    buffer, cipher, header, index = bytearray(), None, None, 0
    for chunk in chunks:
        buffer += chunk
        if header is None and len(buffer) >= HEADER_SIZE:
            header = bytes(buffer[:HEADER_SIZE])
            del buffer[:HEADER_SIZE]
            cipher = AESGCM(_open_header(header, keyring, client_keys))
        # As in seal: a full segment is known not to be last only once a byte follows it.
        while header is not None and len(buffer) > SEALED_SEGMENT:
            yield _open_segment(cipher, header, index, bytes(buffer[:SEALED_SEGMENT]), False)
            del buffer[:SEALED_SEGMENT]
            index += 1
    if header is None or len(buffer) < TAG:
        raise BlobDamaged({"reason": "truncated"})
    yield _open_segment(cipher, header, index, bytes(buffer), True)


def _make_header(magic, key_id, wrapping_key, data_key):
    key_id = key_id.encode("ascii")
    start = magic + bytes([len(key_id)]) + key_id.ljust(KEY_ID_MAX, b"\0")
    wrap_nonce = os.urandom(12)
    wrapped = AESGCM(wrapping_key).encrypt(wrap_nonce, data_key, start)
    return start + wrap_nonce + wrapped + os.urandom(PREFIX_SIZE)


def _open_header(header, keyring, client_keys):
    """-> the data key. Every header byte is checked: magic and id field here (and as
    the wrap's associated data), the wrapped key by its tag, the prefix by every segment
    (whose associated data is the whole header)."""
    start, rest = header[: len(MAGIC) + _ID_FIELD], header[len(MAGIC) + _ID_FIELD :]
    magic = start[: len(MAGIC)]
    if magic not in (MAGIC, CLIENT_MAGIC):
        raise BlobDamaged({"reason": "bad_header"})
    length, field = start[len(MAGIC)], start[len(MAGIC) + 1 :]
    key_id = field[:length].decode("ascii", "replace")
    if not 1 <= length <= KEY_ID_MAX or any(field[length:]) or not _KEY_ID.fullmatch(key_id):
        raise BlobDamaged({"reason": "bad_header"})
    wrapping_key = _wrapping_key(magic, key_id, keyring, client_keys)
    try:
        return AESGCM(wrapping_key).decrypt(rest[:12], rest[12:_WRAPPED], start)
    except InvalidTag:
        raise BlobDamaged({"reason": "bad_header"}) from None


def _wrapping_key(magic, key_id, keyring, client_keys):
    if magic == MAGIC:
        return keyring.key(key_id)
    if client_keys is None:
        raise BlobDamaged({"reason": "unknown_key_id"})
    return client_keys(key_id)


def _segment_nonce_and_aad(header, index, last):
    if index >= _MAX_SEGMENTS:
        raise ValueError("blob too large: more than 2**32 segments")
    counter = struct.pack(">I", index)
    return header[-PREFIX_SIZE:] + counter, header + counter + (b"\x01" if last else b"\x00")


def _seal_segment(cipher, header, index, plain, last):
    nonce, aad = _segment_nonce_and_aad(header, index, last)
    return cipher.encrypt(nonce, plain, aad)


def _open_segment(cipher, header, index, sealed, last):
    nonce, aad = _segment_nonce_and_aad(header, index, last)
    try:
        return cipher.decrypt(nonce, sealed, aad)
    except InvalidTag:
        raise BlobDamaged({"reason": "segment_failed", "segment": index}) from None
