"""Blob sealing: round trips, every kind of damage detected, key rotation, the keyring's
configuration and the one-machine key file, and bounded memory."""

import base64
import os
import stat
import tracemalloc

import pytest

from services.documents.exceptions import BlobDamaged
from services.documents.sealing import (
    HEADER_SIZE,
    SEALED_SEGMENT,
    SEGMENT,
    TAG,
    Keyring,
    seal,
    sealed_size,
    unseal,
)

K1, K2 = bytes(range(32)), bytes(range(1, 33))


def ring(active="k1", **keys):
    return Keyring(keys or {"k1": K1}, active)


def pieces(data, size):
    """data cut into pieces of `size` bytes (the last one shorter)."""
    return [data[i : i + size] for i in range(0, len(data), size)] or [b""]


def sealed(data, keyring=None, size=7001):
    return b"".join(seal(pieces(data, size), keyring or ring()))


def opened(blob, keyring=None, size=65536):
    return b"".join(unseal(pieces(blob, size), keyring or ring()))


def b64(key):
    return base64.b64encode(key).decode()


@pytest.mark.parametrize("size", [0, 1, SEGMENT - 1, SEGMENT, SEGMENT + 1, 3 * SEGMENT + 5])
@pytest.mark.parametrize("in_chunk, out_chunk", [(1, 4096), (7001, 65536), (SEGMENT + 3, 1000)])
def test_round_trip(size, in_chunk, out_chunk):
    if in_chunk == 1 and size > SEGMENT + 1:
        in_chunk = 997  # one byte at a time is too slow here, and proves nothing more
    data = os.urandom(size)
    blob = sealed(data, size=in_chunk)
    assert len(blob) == sealed_size(size)
    assert opened(blob, size=out_chunk) == data


def test_plaintext_comes_out_segment_by_segment():
    data = os.urandom(3 * SEGMENT + 5)
    parts = list(unseal(pieces(sealed(data), 65536), ring()))
    assert [len(part) for part in parts] == [SEGMENT, SEGMENT, SEGMENT, 5]


def test_an_empty_input_iterable_still_makes_a_valid_blob():
    blob = b"".join(seal(iter(()), ring()))
    assert len(blob) == HEADER_SIZE + TAG == sealed_size(0)
    assert opened(blob) == b""


def test_the_same_plaintext_seals_differently_each_time():
    assert sealed(b"same") != sealed(b"same")


def test_every_single_byte_changed_in_a_small_blob_is_detected():
    blob = sealed(b"ten bytes!")
    for position in range(len(blob)):
        damaged = bytearray(blob)
        damaged[position] ^= 0x01
        with pytest.raises(BlobDamaged):
            opened(bytes(damaged))


@pytest.mark.parametrize(
    "where",
    ["magic", "key id", "wrapped key", "nonce prefix", "first", "middle", "last", "last tag"],
)
def test_a_changed_byte_in_a_large_blob_is_detected(where):
    blob = bytearray(sealed(os.urandom(3 * SEGMENT + 5)))
    position = {
        "magic": 0,
        "key id": 8,
        "wrapped key": 80,
        "nonce prefix": HEADER_SIZE - 1,
        "first": HEADER_SIZE + 10,
        "middle": HEADER_SIZE + SEALED_SEGMENT + 1234,
        "last": HEADER_SIZE + 3 * SEALED_SEGMENT,
        "last tag": len(blob) - 1,
    }[where]
    blob[position] ^= 0x80
    with pytest.raises(BlobDamaged):
        opened(bytes(blob))


@pytest.mark.parametrize("size", [SEGMENT * 3 + 5, SEGMENT * 3])
@pytest.mark.parametrize(
    "keep",
    [
        "nothing",
        "half header",
        "header",
        "one segment",
        "two segments",
        "mid segment",
        "all but one byte",
    ],
)
def test_truncation_is_detected(size, keep):
    blob = sealed(os.urandom(size))
    end = {
        "nothing": 0,
        "half header": HEADER_SIZE // 2,
        "header": HEADER_SIZE,
        "one segment": HEADER_SIZE + SEALED_SEGMENT,
        "two segments": HEADER_SIZE + 2 * SEALED_SEGMENT,
        "mid segment": HEADER_SIZE + SEALED_SEGMENT + 1000,
        "all but one byte": len(blob) - 1,
    }[keep]
    with pytest.raises(BlobDamaged):
        opened(blob[:end])


@pytest.mark.parametrize("size", [0, 5, SEGMENT, 2 * SEGMENT + 5])
@pytest.mark.parametrize("extra", [b"\0", b"x" * TAG, b"y" * SEALED_SEGMENT, "own last segment"])
def test_appended_bytes_are_detected(size, extra):
    blob = sealed(os.urandom(size))
    if extra == "own last segment":
        extra = blob[
            HEADER_SIZE + (len(blob) - HEADER_SIZE - 1) // SEALED_SEGMENT * SEALED_SEGMENT :
        ]
    with pytest.raises(BlobDamaged):
        opened(blob + extra)


def test_swapped_or_dropped_segments_are_detected():
    blob = sealed(os.urandom(3 * SEGMENT + 5))
    header, body = blob[:HEADER_SIZE], blob[HEADER_SIZE:]
    segments = pieces(body, SEALED_SEGMENT)
    for order in ([1, 0, 2, 3], [0, 2, 1, 3], [0, 1, 3], [0, 1, 2, 2, 3], [1, 2, 3]):
        with pytest.raises(BlobDamaged):
            opened(header + b"".join(segments[i] for i in order))


def test_segments_of_another_blob_or_another_header_are_refused():
    first, second = sealed(os.urandom(2 * SEGMENT)), sealed(os.urandom(2 * SEGMENT))
    with pytest.raises(BlobDamaged):
        opened(first[:HEADER_SIZE] + second[HEADER_SIZE:])
    with pytest.raises(BlobDamaged):
        opened(first[: HEADER_SIZE + SEALED_SEGMENT] + second[HEADER_SIZE + SEALED_SEGMENT :])


def test_an_unknown_key_id_is_damage():
    blob = sealed(b"secret", ring("k1", k1=K1))
    with pytest.raises(BlobDamaged):
        opened(blob, ring("k2", k2=K2))


def test_the_same_id_with_another_key_is_damage():
    blob = sealed(b"secret", ring("k1", k1=K1))
    with pytest.raises(BlobDamaged):
        opened(blob, ring("k1", k1=K2))


def test_key_rotation_keeps_old_blobs_readable():
    old = sealed(b"old", ring("k1", k1=K1))
    rotated = ring("k2", k1=K1, k2=K2)
    new = sealed(b"new", rotated)
    assert opened(old, rotated) == b"old"
    assert opened(new, rotated) == b"new"
    assert new[8:10] == b"k2"  # sealed under the active key
    with pytest.raises(BlobDamaged):
        opened(new, ring("k1", k1=K1))


def test_from_config_parses_keys_and_defaults_to_the_last_listed(tmp_path):
    keyring = Keyring.from_config(f" k1:{b64(K1)} , k2:{b64(K2)}", None, tmp_path)
    assert keyring.active_id == "k2"
    assert Keyring.from_config(f"k1:{b64(K1)},k2:{b64(K2)}", "k1", tmp_path).active_id == "k1"
    assert Keyring.from_config(f"k1:{b64(K1)}", "", tmp_path).active_id == "k1"
    assert not (tmp_path / "keys").exists()  # configured keys: no key file made
    assert "AAECAw" not in repr(keyring)


@pytest.mark.parametrize(
    "keys_text, active, problem",
    [
        ("k1", None, "entry 1"),
        (f"k1:{b64(K1)},:{b64(K2)}", None, "entry 2"),
        (f"k 1:{b64(K1)}", None, "entry 1"),
        ("k1:not base64!", None, "'k1' is not valid base64"),
        (f"k1:{b64(b'sixteen byte key')}", None, "must be 32 bytes, got 16"),
        (f"k1:{b64(K1)},k1:{b64(K2)}", None, "listed twice"),
        (f"k1:{b64(K1)}", "k9", "BLOB_KEY_ID 'k9'"),
        (f"{'k' * 33}:{b64(K1)}", None, "entry 1"),
    ],
)
def test_from_config_refuses_malformed_settings_without_showing_keys(
    tmp_path, keys_text, active, problem
):
    with pytest.raises(ValueError) as error:
        Keyring.from_config(keys_text, active, tmp_path)
    assert problem in str(error.value)
    for secret in (b64(K1), b64(K2), b64(b"sixteen byte key")):
        assert secret not in str(error.value)


def test_the_default_key_file_is_private_and_reused(tmp_path):
    var = tmp_path / "var"
    first = Keyring.from_config(None, None, var)
    path = var / "keys" / "blob-kek.key"
    assert first.active_id == "local-1"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert path.read_text().startswith("local-1:")
    assert os.listdir(path.parent) == ["blob-kek.key"]  # no temporary file left behind
    second = Keyring.from_config("", "", var)
    assert second.key("local-1") == first.key("local-1")
    assert opened(sealed(b"kept", first), second) == b"kept"


def test_a_damaged_default_key_file_is_refused_by_name(tmp_path):
    (tmp_path / "keys").mkdir()
    (tmp_path / "keys" / "blob-kek.key").write_text("local-1:short\n")
    with pytest.raises(ValueError, match="blob-kek.key"):
        Keyring.from_config(None, None, tmp_path)


def test_keyring_refuses_bad_keys():
    with pytest.raises(ValueError):
        Keyring({"k1": b"short"}, "k1")
    with pytest.raises(ValueError):
        Keyring({"k1": K1}, "k2")


def test_sealing_64_mib_holds_only_a_few_segments():
    chunk = b"z" * 65536

    def plaintext():
        for _ in range(1024):
            yield chunk

    tracemalloc.start()
    try:
        largest = total = 0
        for item in seal(plaintext(), ring()):
            largest, total = max(largest, len(item)), total + len(item)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert total == sealed_size(64 * 1024 * 1024)
    assert largest <= SEALED_SEGMENT
    assert peak < 8 * 1024 * 1024


def test_unsealing_64_mib_holds_only_a_few_segments():
    size = 64 * 1024 * 1024
    blob_segment_count = size // SEGMENT

    def blob():  # a real blob, re-sealed on the fly so that it is never whole either
        yield from seal((b"q" * 65536 for _ in range(size // 65536)), ring())

    tracemalloc.start()
    try:
        count = 0
        for part in unseal(_rechunk(blob(), 65536), ring()):
            assert len(part) == SEGMENT
            count += 1
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert count == blob_segment_count
    assert peak < 8 * 1024 * 1024


def _rechunk(items, size):
    """Items re-cut into `size`-byte reads, as a file or an HTTP body gives them."""
    buffer = bytearray()
    for item in items:
        buffer += item
        while len(buffer) >= size:
            yield bytes(buffer[:size])
            del buffer[:size]
    if buffer:
        yield bytes(buffer)
