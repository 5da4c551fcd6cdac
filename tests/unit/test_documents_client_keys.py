"""Sealing under a client's key (header version 2): round trips, the header names the
client key, old (KEK) blobs stay readable, a destroyed key is a clear BlobShredded, and
the stored client key is bound to the KEK and its own id."""

import os

import pytest

from services.documents.exceptions import BlobDamaged, BlobShredded
from services.documents.sealing import (
    CLIENT_MAGIC,
    MAGIC,
    SEGMENT,
    ClientKey,
    Keyring,
    seal,
    sealed_size,
    unseal,
    unwrap_client_key,
    wrap_client_key,
)

RING = Keyring({"k1": bytes(range(32))}, "k1")


def sealed(data, client_key=None):
    return b"".join(seal([data], RING, client_key))


def opened(blob, *keys):
    known = {key.id: key.key for key in keys}

    def lookup(key_id):
        if key_id not in known:
            raise BlobShredded({"reason": "client_erased"})
        return known[key_id]

    return b"".join(unseal([blob], RING, lookup))


@pytest.mark.parametrize("size", [0, 1, SEGMENT, 2 * SEGMENT + 7])
def test_a_client_blob_round_trips_and_its_header_names_the_client_key(size):
    key, data = ClientKey.new(), os.urandom(size)
    blob = sealed(data, key)
    assert len(blob) == sealed_size(size)
    assert blob.startswith(CLIENT_MAGIC + bytes([32]) + key.id.encode())
    assert opened(blob, key) == data


def test_a_blob_sealed_under_the_kek_alone_still_opens():
    blob = sealed(b"oud document")
    assert blob.startswith(MAGIC + b"\x02k1")
    assert opened(blob) == b"oud document"
    assert b"".join(unseal([blob], RING)) == b"oud document"


def test_once_the_client_key_is_gone_the_blob_is_shredded():
    blob = sealed(b"paspoort", ClientKey.new())
    with pytest.raises(BlobShredded):
        opened(blob)


def test_a_client_blob_without_a_key_lookup_does_not_open():
    with pytest.raises(BlobDamaged) as caught:
        b"".join(unseal([sealed(b"x", ClientKey.new())], RING))
    assert caught.value.details == {"reason": "unknown_key_id"}


def test_another_clients_key_under_the_same_id_does_not_open_it():
    key = ClientKey.new()
    blob = sealed(b"loonstrook", key)
    with pytest.raises(BlobDamaged):
        opened(blob, ClientKey(key.id, os.urandom(32)))


def test_the_version_byte_is_bound_to_the_wrapped_key():
    blob = bytearray(sealed(b"x", ClientKey.new()))
    blob[len(MAGIC) - 1] = 1  # claims to be under the KEK
    with pytest.raises(BlobDamaged):
        opened(bytes(blob))


def test_a_stored_client_key_unwraps_only_as_itself():
    key = ClientKey.new()
    kek_id, wrapped = wrap_client_key(RING, key)
    assert kek_id == "k1" and key.key not in wrapped
    assert unwrap_client_key(RING, kek_id, key.id, wrapped) == key
    with pytest.raises(BlobDamaged):
        unwrap_client_key(RING, kek_id, ClientKey.new().id, wrapped)
    changed = bytes([wrapped[0] ^ 1]) + wrapped[1:]
    with pytest.raises(BlobDamaged):
        unwrap_client_key(RING, kek_id, key.id, changed)
    with pytest.raises(BlobDamaged):
        unwrap_client_key(RING, "k9", key.id, wrapped)


def test_a_client_key_never_shows_its_bytes():
    key = ClientKey.new()
    assert key.key.hex() not in repr(key) and str(key.key) not in repr(key)
