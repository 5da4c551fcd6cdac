"""The janitor removes what uploads leave behind, and never a document's blob: a real
documents database (migrated) and a real blob folder."""

import os
import time
from datetime import timedelta

from services.common.db import make_engine, utcnow
from services.common.migrate import upgrade
from services.common.unit_of_work import unit_of_work
from services.documents import janitor
from services.documents.models import Upload, metadata
from services.documents.sealing import Keyring
from services.documents.storage import BlobStore, FolderStorage

from .test_signing_rules import SEALING


class LocalStore:
    def __init__(self, url):
        self.engine = make_engine(url)

    def unit_of_work(self):
        return unit_of_work(self.engine, "documents", metadata.tables["outbox"], SEALING)


def _upload(uow, name, status, age):
    created = utcnow() - age
    uow.session.add(
        Upload(
            id=name,
            ticket_hash=name.ljust(64, "0"),
            status=status,
            purpose="document",
            dossier_id="d",
            office_id="o",
            client_id="c",
            account_id="a",
            created_at=created,
            expires_at=created + timedelta(minutes=15),
        )
    )


def test_stale_uploads_and_temp_files_go_and_documents_stay(tmp_path):
    url = f"sqlite:///{tmp_path / 'documents.db'}"
    upgrade("documents", url)
    store = LocalStore(url)
    blobs = BlobStore(FolderStorage(tmp_path / "blobs"), Keyring({"k1": b"k" * 32}, "k1"))
    old, fresh = janitor.STALE_AFTER + timedelta(minutes=1), timedelta(minutes=1)
    cases = {
        "cut-off": ("receiving", old),
        "refused": ("failed", old),
        "kept-document": ("attached", old),
        "in-progress": ("stored", fresh),
    }
    with store.unit_of_work() as uow:
        for name, (status, age) in cases.items():
            _upload(uow, name, status, age)
    for name in cases:
        blobs.write(name, [b"inhoud van " + name.encode()])
    leftover = tmp_path / "blobs" / "tmp" / "cut-off.partial"
    leftover.write_bytes(b"half")
    long_ago = time.time() - janitor.STALE_AFTER.total_seconds() - 60
    os.utime(leftover, (long_ago, long_ago))

    janitor.remove_stale_uploads(store, blobs)

    present = {name for name in cases if blobs.storage.exists(name)}
    assert present == {"kept-document", "in-progress"}
    assert not leftover.exists()
    with store.unit_of_work() as uow:
        statuses = {u.id: u.status for u in uow.session.query(Upload)}
    assert statuses == {
        "cut-off": "discarded",
        "refused": "discarded",
        "kept-document": "attached",
        "in-progress": "stored",
    }
    assert b"".join(blobs.read("kept-document")) == b"inhoud van kept-document"
