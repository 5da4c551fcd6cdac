"""Crypto-shredding through the blob endpoint, with a real documents database (migrated)
and a real blob folder: a client's uploads are sealed under the client's key; once it is
shredded, a download is a clear 410 blob_shredded while the bytes on disk are unchanged,
and other clients' blobs (and blobs from before client keys) still open."""

import json
import secrets
from datetime import timedelta

from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request

from services.common.db import make_engine, utcnow
from services.common.migrate import upgrade
from services.common.store import unit_of_work
from services.common.tokens import digest
from services.documents import blob_endpoint, client_keys
from services.documents.models import DownloadTicket, Upload, metadata
from services.documents.sealing import Keyring
from services.documents.states import UploadStates
from services.documents.storage import BlobStore, FolderStorage

from .test_signing_rules import SEALING


class LocalStore:
    def __init__(self, url):
        self.engine = make_engine(url)

    def unit_of_work(self):
        return unit_of_work(self.engine, "documents", metadata.tables["outbox"], SEALING)


def _put(store, blobs, client_id, data):
    """-> the name of the blob of a new upload of the client's, sent to the endpoint."""
    name, answer = _send(store, blobs, client_id, data)
    assert answer.status_code == 201, answer.get_data()
    return name


def _send(store, blobs, client_id, data):
    ticket, now, name = secrets.token_urlsafe(16), utcnow(), secrets.token_hex(8)
    with store.unit_of_work() as uow:
        uow.session.add(
            Upload(
                id=name,
                ticket_hash=digest(ticket),
                status="ticket",
                purpose="document",
                dossier_id="d-" + client_id,
                office_id="o",
                client_id=client_id,
                account_id="a",
                created_at=now,
                expires_at=now + timedelta(minutes=15),
            )
        )
    request = Request(
        EnvironBuilder(method="PUT", data=data, headers={"X-Upload-Ticket": ticket}).get_environ()
    )
    return name, blob_endpoint.receive(store, blobs, None, 1024 * 1024, request, name)


def _get(store, blobs, name):
    ticket = secrets.token_urlsafe(16)
    with store.unit_of_work() as uow:
        uow.session.add(
            DownloadTicket(
                ticket_hash=digest(ticket),
                blob_name=name,
                expires_at=utcnow() + timedelta(minutes=1),
            )
        )
    request = Request(EnvironBuilder(headers={"X-Download-Ticket": ticket}).get_environ())
    answer = blob_endpoint.send(store, blobs, request)
    return answer.status_code, b"".join(answer.response)


def test_shredding_a_client_key_makes_its_blobs_unreadable_and_leaves_the_bytes(tmp_path):
    url = f"sqlite:///{tmp_path / 'documents.db'}"
    upgrade("documents", url)
    store = LocalStore(url)
    blobs = BlobStore(FolderStorage(tmp_path / "blobs"), Keyring({"k1": b"k" * 32}, "k1"))
    erased = [_put(store, blobs, "client-a", b"paspoort %d" % n) for n in range(2)]
    kept = _put(store, blobs, "client-b", b"jaarrekening")
    older = "from-before-client-keys"
    blobs.write(older, [b"oud"])  # sealed under the KEK alone (header version 1)
    assert _get(store, blobs, erased[0]) == (200, b"paspoort 0")
    on_disk = {name: (tmp_path / "blobs" / name[:2] / name).read_bytes() for name in erased}

    with store.unit_of_work() as uow:
        assert client_keys.shred(uow, "client-a") == 1  # one key for both blobs
    with store.unit_of_work() as uow:
        assert client_keys.shred(uow, "client-a") == 0  # idempotent
        assert client_keys.is_shredded(uow, "client-a")

    for name in erased:
        status, body = _get(store, blobs, name)
        assert status == 410 and json.loads(body)["error"] == "blob_shredded"
        assert (tmp_path / "blobs" / name[:2] / name).read_bytes() == on_disk[name]
    assert _get(store, blobs, kept) == (200, b"jaarrekening")
    assert _get(store, blobs, older) == (200, b"oud")


def test_an_erased_client_can_store_nothing_new(tmp_path):
    url = f"sqlite:///{tmp_path / 'documents.db'}"
    upgrade("documents", url)
    store = LocalStore(url)
    blobs = BlobStore(FolderStorage(tmp_path / "blobs"), Keyring({"k1": b"k" * 32}, "k1"))
    _put(store, blobs, "client-a", b"x")
    with store.unit_of_work() as uow:
        client_keys.shred(uow, "client-a")
    name, answer = _send(store, blobs, "client-a", b"y")
    assert answer.status_code == 410
    assert json.loads(answer.get_data())["error"] == "blob_shredded"
    assert not blobs.storage.exists(name)


def test_a_client_erased_before_any_file_can_store_nothing_later(tmp_path):
    url = f"sqlite:///{tmp_path / 'documents.db'}"
    upgrade("documents", url)
    store = LocalStore(url)
    blobs = BlobStore(FolderStorage(tmp_path / "blobs"), Keyring({"k1": b"k" * 32}, "k1"))
    with store.unit_of_work() as uow:
        assert client_keys.shred(uow, "client-a") == 0
        assert client_keys.is_shredded(uow, "client-a")
    name, answer = _send(store, blobs, "client-a", b"y")
    assert answer.status_code == 410
    assert json.loads(answer.get_data())["error"] == "blob_shredded"
    assert not blobs.storage.exists(name)


def test_a_client_key_that_cannot_be_read_fails_the_upload_and_keeps_nothing(tmp_path, monkeypatch):
    """Not only a shredded client: any failure to read or make the client's key (here a
    broken one) answers at once and leaves the upload failed, never stuck receiving."""
    url = f"sqlite:///{tmp_path / 'documents.db'}"
    upgrade("documents", url)
    store = LocalStore(url)
    blobs = BlobStore(FolderStorage(tmp_path / "blobs"), Keyring({"k1": b"k" * 32}, "k1"))

    def broken(*_args):
        raise RuntimeError("the key row could not be read")

    monkeypatch.setattr(client_keys, "key_for_client", broken)
    name, answer = _send(store, blobs, "client-a", b"y")
    assert answer.status_code == 500
    assert json.loads(answer.get_data())["error"] == "error"
    assert not blobs.storage.exists(name)
    with store.unit_of_work() as uow:
        assert uow.session.get(Upload, name).status == UploadStates.FAILED
