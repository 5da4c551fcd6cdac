"""Each export is sealed under a key of its own, and a client has one current key however
uploads and a shredding interleave (issue #18, security review), with a real documents
database (migrated, SQLite and PostgreSQL) and a real blob folder.

- A copy of an export's blob, taken while it could be read, opens no more once the
  export is gone: downloaded and removed, expired, failed, or a client in it shredded.
- key_for_client racing shred_client or another key_for_client: the interleaving is
  made deterministic by running the other side to its commit at the moment the first
  is about to write its key row (a hook on that statement), no sleeps."""

import secrets
from datetime import timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy import event, select
from sqlalchemy.pool import NullPool

from services.common.db import make_engine, utcnow
from services.common.migrate import upgrade
from services.common.store import unit_of_work
from services.documents import client_keys, export_build, exports
from services.documents.exceptions import BlobShredded
from services.documents.models import ClientKey, Export, metadata
from services.documents.sealing import Keyring
from services.documents.storage import BlobStore, FolderStorage

KEYRING = Keyring({"k1": b"k" * 32}, "k1")


class LocalStore:
    def __init__(self, url):
        self.engine = (
            make_engine(url)
            if url.startswith("sqlite")
            else sa.create_engine(url, poolclass=NullPool)
        )

    def unit_of_work(self):
        return unit_of_work(self.engine, "documents", metadata.tables["outbox"])


@pytest.fixture
def stores(make_db_url):
    """-> (store, other): two stores (engines) on one migrated documents database."""
    url = make_db_url("documents")
    upgrade("documents", url)
    made = LocalStore(url), LocalStore(url)
    yield made
    for store in made:
        store.engine.dispose()


@pytest.fixture
def blobs(tmp_path):
    return BlobStore(FolderStorage(tmp_path / "blobs"), KEYRING)


def _before_key_insert(store, run):
    """Calls run() once, just before `store` inserts a client_keys row."""

    def hook(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith("INSERT INTO CLIENT_KEYS") and run:
            run.pop()()

    run = [run]
    event.listen(store.engine, "before_cursor_execute", hook)
    return hook


def _keys(store, client_id):
    with store.unit_of_work() as uow:
        return list(uow.session.scalars(select(ClientKey).where(ClientKey.client_id == client_id)))


def test_a_shredding_between_the_check_and_the_new_key_leaves_no_live_key(stores):
    store, other = stores
    _before_key_insert(store, lambda: client_keys.shred_client(other, "client-a"))
    with pytest.raises(BlobShredded):
        client_keys.key_for_client(store, KEYRING, "client-a")
    keys = _keys(store, "client-a")
    assert keys and all(key.wrapped is None for key in keys)
    with pytest.raises(BlobShredded):  # and it stays so
        client_keys.key_for_client(store, KEYRING, "client-a")


def test_a_key_made_while_shredding_is_destroyed_by_it(stores):
    store, other = stores
    made = []
    _before_key_insert(
        store, lambda: made.append(client_keys.key_for_client(other, KEYRING, "client-a"))
    )
    assert client_keys.shred_client(store, "client-a") == 1  # the key made meanwhile
    keys = _keys(store, "client-a")
    assert [key.id for key in keys] == [made[0].id] and keys[0].wrapped is None
    with store.unit_of_work() as uow, pytest.raises(BlobShredded):
        client_keys.open_key(uow, KEYRING, made[0].id)


def test_two_first_uploads_at_once_share_one_key(stores):
    store, other = stores
    theirs = []
    _before_key_insert(
        store, lambda: theirs.append(client_keys.key_for_client(other, KEYRING, "client-a"))
    )
    mine = client_keys.key_for_client(store, KEYRING, "client-a")
    assert mine == theirs[0]
    assert [key.id for key in _keys(store, "client-a")] == [mine.id]


def _ready_export(store, blobs, client_ids=("client-a",)):
    """An export as export_build.prepare leaves it: its blob sealed under its own key,
    `ready`. -> its id."""
    export_id, now = secrets.token_hex(8), utcnow()
    with store.unit_of_work() as uow:
        uow.session.add(
            Export(
                id=export_id, account_id="account-a", status="preparing", language="nl",
                attempts=0, blob_kept=False, requested_at=now,
            )
        )  # fmt: skip
    key = client_keys.key_for_export(store, KEYRING, export_id, list(client_ids))
    blobs.write(export_id, [b"PK zip of ", export_id.encode()], key)
    with store.unit_of_work() as uow:
        export = uow.session.get(Export, export_id)
        export.status, export.ready_at, export.blob_kept = "ready", now, True
        export.expires_at = now + timedelta(days=7)
    return export_id


def _copy_aside(tmp_path, blobs, name):
    """The sealed bytes as a backup or an old S3 version would keep them."""
    copy = blobs.storage.open(name)
    (tmp_path / "aside").mkdir(exist_ok=True)
    path = tmp_path / "aside" / name
    path.write_bytes(b"".join(copy))
    return path


def _opens(store, blobs, path, name):
    """-> the plaintext of the sealed copy at `path`, read as the blob `name` is."""
    copy = BlobStore(FolderStorage(path.parent.parent / "restored"), KEYRING)
    copy.storage.delete(name)
    copy.storage.put(name, [path.read_bytes()])
    return b"".join(copy.read(name, client_keys.key_reader(store, KEYRING)))


def _export(store, export_id):
    with store.unit_of_work() as uow:
        return uow.session.get(Export, export_id)


def test_a_copy_of_a_downloaded_export_opens_no_more_once_it_is_removed(stores, blobs, tmp_path):
    store, _ = stores
    export_id = _ready_export(store, blobs)
    aside = _copy_aside(tmp_path, blobs, export_id)
    assert _opens(store, blobs, aside, export_id) == b"PK zip of " + export_id.encode()
    with store.unit_of_work() as uow:  # downloaded long enough ago (open_download)
        export = uow.session.get(Export, export_id)
        export.status = "downloaded"
        export.downloaded_at = utcnow() - exports.KEEP_DOWNLOADED - timedelta(seconds=1)

    export_build.remove_done(store, blobs)

    assert not blobs.storage.exists(export_id)
    with pytest.raises(BlobShredded) as raised:
        _opens(store, blobs, aside, export_id)
    assert raised.value.details == {"reason": "export_gone"}


def test_a_copy_of_an_expired_export_opens_no_more(stores, blobs, tmp_path):
    store, _ = stores
    export_id = _ready_export(store, blobs)
    aside = _copy_aside(tmp_path, blobs, export_id)
    export_build.remove_done(store, blobs)  # not its time yet
    assert _opens(store, blobs, aside, export_id)
    with store.unit_of_work() as uow:
        uow.session.get(Export, export_id).expires_at = utcnow() - timedelta(seconds=1)

    export_build.remove_done(store, blobs)

    assert _export(store, export_id).status == "expired"
    with pytest.raises(BlobShredded):
        _opens(store, blobs, aside, export_id)


def test_a_copy_of_a_failed_round_opens_no_more(stores, blobs, tmp_path):
    store, _ = stores
    export_id = _ready_export(store, blobs)
    aside = _copy_aside(tmp_path, blobs, export_id)
    with store.unit_of_work() as uow:
        uow.session.get(Export, export_id).attempts = exports.MAX_ATTEMPTS - 1

    export_build._failed(store, blobs, export_id)

    assert _export(store, export_id).status == "failed"
    assert not blobs.storage.exists(export_id)
    with pytest.raises(BlobShredded):
        _opens(store, blobs, aside, export_id)


def test_shredding_a_client_in_an_export_destroys_its_key(stores, blobs, tmp_path):
    store, _ = stores
    both = _ready_export(store, blobs, ("client-a", "client-b"))
    other = _ready_export(store, blobs, ("client-c",))
    aside = _copy_aside(tmp_path, blobs, both)

    assert client_keys.shred_client(store, "client-b") == 1  # the export's key

    for name in (aside, blobs.storage._path(both)):
        with pytest.raises(BlobShredded):
            _opens(store, blobs, name, both)
    assert b"".join(blobs.read(other, client_keys.key_reader(store, KEYRING)))
    with pytest.raises(BlobShredded):  # no new round of it either
        client_keys.key_for_export(store, KEYRING, both, ["client-a", "client-b"])
    with store.unit_of_work() as uow:
        assert client_keys.export_clients_shredded(uow, both)


def test_a_new_round_of_an_export_destroys_the_last_rounds_key(stores, blobs, tmp_path):
    store, _ = stores
    export_id = _ready_export(store, blobs)
    aside = _copy_aside(tmp_path, blobs, export_id)
    client_keys.key_for_export(store, KEYRING, export_id, ["client-a"])
    with pytest.raises(BlobShredded):
        _opens(store, blobs, aside, export_id)
