"""The blob storage contract, run against both backends: FolderStorage on tmp_path and
S3Storage over real HTTP to a moto server (the S3-compatible endpoint on this machine)."""

import os
import socket
import time
import uuid

import boto3
import pytest
from moto.server import ThreadedMotoServer

from services.documents.exceptions import BlobDamaged
from services.documents.sealing import Keyring, sealed_size
from services.documents.storage import BlobStore, FolderStorage, S3Storage, blob_store_from_config

MIB = 1024 * 1024
PART = 5 * MIB  # S3's smallest part
CREDENTIALS = {"region": "us-east-1", "access_key_id": "test", "secret_access_key": "test"}


class Boom(Exception):
    pass


@pytest.fixture(scope="module")
def s3_endpoint():
    """A moto S3 server on a free port (a thread; eventlet turns it into a green one)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


class FolderSide:
    """The folder backend and a way to look behind its back."""

    def __init__(self, tmp_path):
        self.storage = FolderStorage(tmp_path / "blobs")

    def raw(self, name):
        return (self.storage.root / name[:2] / name).read_bytes()

    def overwrite(self, name, data):
        (self.storage.root / name[:2] / name).write_bytes(data)

    def leftovers(self):
        return os.listdir(self.storage.temp)

    def leave_stale_upload(self, name):
        path = self.storage.temp / f"{name}.dead"
        path.write_bytes(b"half")
        os.utime(path, (time.time() - 7200, time.time() - 7200))


class S3Side:
    """The S3 backend with a bucket of its own, and a plain client to look behind it."""

    def __init__(self, endpoint):
        self.bucket = f"kluis-test-{uuid.uuid4().hex[:12]}"
        self.storage = S3Storage(self.bucket, endpoint_url=endpoint, part_size=PART, **CREDENTIALS)
        self.client = self.storage.client
        self.client.create_bucket(Bucket=self.bucket)

    def raw(self, name):
        return self.client.get_object(Bucket=self.bucket, Key=name)["Body"].read()

    def overwrite(self, name, data):
        self.client.put_object(Bucket=self.bucket, Key=name, Body=data)

    def leftovers(self):
        return self.client.list_multipart_uploads(Bucket=self.bucket).get("Uploads", [])

    def leave_stale_upload(self, name):
        # moto reports every upload as initiated in 2010: any upload is an old one there.
        self.client.create_multipart_upload(Bucket=self.bucket, Key=name)


@pytest.fixture(params=["folder", "s3"])
def side(request, tmp_path):
    if request.param == "folder":
        return FolderSide(tmp_path)
    return S3Side(request.getfixturevalue("s3_endpoint"))


def generated(total, chunk=64 * 1024, fail_after=None):
    """`total` bytes in chunks, made on the fly; raises Boom after fail_after bytes."""
    sent = 0
    while sent < total:
        if fail_after is not None and sent >= fail_after:
            raise Boom()
        piece = min(chunk, total - sent)
        yield bytes([sent // chunk % 251]) * piece
        sent += piece


def keyring():
    return Keyring({"k1": os.urandom(32)}, "k1")


@pytest.mark.parametrize("size", [0, 1, PART - 1, PART, 20 * MIB + 3])
def test_round_trip(side, size):
    assert side.storage.put("doc_1", generated(size)) == size
    assert side.storage.exists("doc_1")
    assert b"".join(side.storage.open("doc_1")) == b"".join(generated(size))


def test_open_streams_in_chunks_of_the_asked_size(side):
    side.storage.put("doc-2", generated(3 * MIB))
    sizes = [len(chunk) for chunk in side.storage.open("doc-2", chunk_size=MIB)]
    assert sum(sizes) == 3 * MIB and max(sizes) <= MIB and len(sizes) >= 3


@pytest.mark.parametrize("fail_after", [0, MIB, 2 * PART + 5])
def test_a_failure_mid_stream_leaves_nothing(side, fail_after):
    with pytest.raises(Boom):
        side.storage.put("broken", generated(20 * MIB, fail_after=fail_after))
    assert not side.storage.exists("broken")
    with pytest.raises(FileNotFoundError):
        side.storage.open("broken")
    assert side.leftovers() == []
    assert side.storage.put("broken", generated(10)) == 10  # the name is still free


def test_an_existing_name_is_never_overwritten(side):
    side.storage.put("taken", [b"first"])
    with pytest.raises(FileExistsError):
        side.storage.put("taken", generated(PART + 1))
    assert b"".join(side.storage.open("taken")) == b"first"
    assert side.leftovers() == []


@pytest.mark.parametrize("size", [10, PART + 1])
def test_a_name_taken_during_the_write_is_not_overwritten(side, size):
    def racing():
        yield b"a" * 10
        side.storage.put("race", [b"winner"])  # another writer finishes first
        yield b"b" * (size - 10)

    with pytest.raises(FileExistsError):
        side.storage.put("race", racing())
    assert b"".join(side.storage.open("race")) == b"winner"
    assert side.leftovers() == []


def test_delete_is_idempotent(side):
    side.storage.put("gone", [b"bytes"])
    side.storage.delete("gone")
    side.storage.delete("gone")
    side.storage.delete("never-there")
    assert not side.storage.exists("gone")


def test_a_missing_name_fails_at_open_not_at_first_read(side):
    with pytest.raises(FileNotFoundError):
        side.storage.open("missing")


@pytest.mark.parametrize("name", ["", "a" * 101, "../etc", "a/b", "a.b", "spa ce", "nl\n", None])
def test_names_are_validated(side, name):
    for call in (
        lambda: side.storage.put(name, [b"x"]),
        lambda: side.storage.open(name),
        lambda: side.storage.delete(name),
        lambda: side.storage.exists(name),
    ):
        with pytest.raises(ValueError):
            call()


def test_stale_temp_is_removed(side):
    side.leave_stale_upload("stale")
    assert side.storage.remove_stale_temp(older_than_s=100 * 365 * 86400) == 0
    assert side.storage.remove_stale_temp(older_than_s=3600) == 1
    assert side.leftovers() == []
    assert side.storage.remove_stale_temp() == 0


def test_folder_keeps_fresh_temp_files(tmp_path):
    storage = FolderStorage(tmp_path / "blobs")
    (storage.temp / "busy.123").write_bytes(b"being written")
    assert storage.remove_stale_temp(older_than_s=3600) == 0
    assert os.listdir(storage.temp) == ["busy.123"]


def test_folder_files_are_private(tmp_path):
    storage = FolderStorage(tmp_path / "blobs")
    storage.put("private", [b"x"])
    assert os.stat(storage.root).st_mode & 0o777 == 0o700
    assert os.stat(storage.root / "pr").st_mode & 0o777 == 0o700
    assert os.stat(storage.root / "pr" / "private").st_mode & 0o777 == 0o600


def test_blob_store_seals_what_it_stores(side):
    store = BlobStore(side.storage, keyring())
    plain = b"".join(generated(20 * MIB + 3))
    assert store.write("sealed", generated(20 * MIB + 3)) == sealed_size(len(plain))
    assert plain[:4096] not in side.raw("sealed")
    assert b"".join(store.read("sealed")) == plain
    store.delete("sealed")
    with pytest.raises(FileNotFoundError):
        store.read("sealed")


@pytest.mark.parametrize("position", [0, 200, -1])
def test_blob_store_detects_a_changed_byte(side, position):
    store = BlobStore(side.storage, keyring())
    store.write("tampered", generated(MIB))
    data = bytearray(side.raw("tampered"))
    data[position] ^= 0x04
    side.overwrite("tampered", bytes(data))
    with pytest.raises(BlobDamaged):
        b"".join(store.read("tampered"))


def test_blob_store_detects_a_cut_blob(side):
    store = BlobStore(side.storage, keyring())
    store.write("cut", generated(MIB))
    side.overwrite("cut", side.raw("cut")[:-300_000])
    with pytest.raises(BlobDamaged):
        b"".join(store.read("cut"))


def test_blob_store_from_config_defaults_to_a_folder_under_var(tmp_path):
    store = blob_store_from_config({"STORAGE_BACKEND": "", "BLOB_KEYS": ""}, tmp_path)
    assert isinstance(store.storage, FolderStorage)
    assert store.storage.root == tmp_path / "blobs"
    assert store.keyring.active_id == "local-1"
    store.write("conf", [b"hello"])
    assert b"".join(blob_store_from_config({}, tmp_path).read("conf")) == b"hello"
    other = blob_store_from_config({"BLOB_DIR": str(tmp_path / "elsewhere")}, tmp_path)
    assert other.storage.root == tmp_path / "elsewhere"


def test_blob_store_from_config_for_s3(tmp_path, s3_endpoint):
    bucket = f"kluis-conf-{uuid.uuid4().hex[:8]}"
    boto3.client(
        "s3",
        endpoint_url=s3_endpoint,
        region_name="us-east-1",
        aws_access_key_id="test",
        aws_secret_access_key="test",
    ).create_bucket(Bucket=bucket)
    store = blob_store_from_config(
        {
            "STORAGE_BACKEND": "S3",
            "S3_BUCKET": bucket,
            "S3_ENDPOINT_URL": s3_endpoint,
            "S3_REGION": "us-east-1",
            "S3_ACCESS_KEY_ID": "test",
            "S3_SECRET_ACCESS_KEY": "test",
            "BLOB_KEYS": "k1:" + "A" * 43 + "=",
            "BLOB_KEY_ID": "",
        },
        tmp_path,
    )
    assert isinstance(store.storage, S3Storage) and store.keyring.active_id == "k1"
    store.write("via-config", [b"over http"])
    assert b"".join(store.read("via-config")) == b"over http"


@pytest.mark.parametrize(
    "config, problem",
    [
        ({"STORAGE_BACKEND": "ftp"}, "STORAGE_BACKEND"),
        ({"STORAGE_BACKEND": "s3"}, "S3_BUCKET"),
        ({"STORAGE_BACKEND": "s3", "S3_BUCKET": " "}, "S3_BUCKET"),
        ({"BLOB_KEYS": "k1:nope"}, "BLOB_KEYS"),
    ],
)
def test_blob_store_from_config_refuses_bad_settings(tmp_path, config, problem):
    with pytest.raises(ValueError, match=problem):
        blob_store_from_config(config, tmp_path)
