"""Erasure at once in documents (services/documents/erasure.py), on a real documents
database (migrated) and a real blob folder: a tombstone of each erased document, so that
erasing again answers every document erased so far (the caller may have missed the first
answer), and a blob whose deletion failed is deleted by the next call or the janitor's
round (issue #18)."""

import sqlalchemy as sa

from services.common.db import utcnow
from services.common.migrate import upgrade
from services.documents import erasure
from services.documents.models import Document, ErasedDocument
from services.documents.sealing import Keyring
from services.documents.storage import BlobStore, FolderStorage

from .test_documents_janitor import LocalStore


class DeleteFailsOnce(FolderStorage):
    """The real folder, whose first deletion fails as a store that cannot be reached
    would (the storage boundary: what the documents service calls)."""

    def __init__(self, root):
        super().__init__(root)
        self.failures_left = 1

    def delete(self, name):
        if self.failures_left:
            self.failures_left -= 1
            raise OSError("blob store unavailable")
        super().delete(name)


def document(uow, document_id, category, dossier_id="d-1", client_id="c-1"):
    uow.session.add(
        Document(
            id=document_id,
            dossier_id=dossier_id,
            office_id="o-1",
            client_id=client_id,
            category=category,
            public=True,
            title=document_id,
            name=f"{document_id}.pdf",
            size=5,
            sha256="0" * 64,
            content_type="application/pdf",
            blob_name=f"blob-{document_id}",
            uploaded_by="a-1",
            uploaded_by_kind="staff",
            created_at=utcnow(),
        )
    )


def erase(store, blobs, client_id):
    """What the entrypoint erase_client_documents does."""
    with store.unit_of_work() as uow:
        erased = erasure.erase_unkept(uow, client_id)
    erasure.delete_erased_blobs(store, blobs, client_id)
    return erased


def test_erasing_again_answers_every_erased_document_and_a_failed_blob_goes_later(tmp_path):
    url = f"sqlite:///{tmp_path / 'documents.db'}"
    upgrade("documents", url)
    store = LocalStore(url)
    storage = DeleteFailsOnce(tmp_path / "blobs")
    blobs = BlobStore(storage, Keyring({"k1": b"k" * 32}, "k1"))
    with store.unit_of_work() as uow:
        document(uow, "letter", "correspondence")  # goes at once
        document(uow, "own-file", "delivered_by_me", dossier_id="d-2")  # goes at once
        document(uow, "id-copy", "document")  # kept until the retention ends
        document(uow, "other-client", "correspondence", client_id="c-2")
    for name in ("letter", "own-file", "id-copy", "other-client"):
        blobs.write(f"blob-{name}", [b"inhoud"])

    first = erase(store, blobs, "c-1")
    assert first == [{"id": "letter", "dossier_id": "d-1"}, {"id": "own-file", "dossier_id": "d-2"}]
    # One blob's deletion failed (logged, not raised): its tombstone says so.
    left = [n for n in ("letter", "own-file") if storage.exists(f"blob-{n}")]
    assert len(left) == 1
    with store.unit_of_work() as uow:
        waiting = uow.session.scalars(
            sa.select(ErasedDocument.id).where(ErasedDocument.blob_deleted_at.is_(None))
        ).all()
        tombstone = uow.session.get(ErasedDocument, "letter")
        assert (tombstone.client_id, tombstone.blob_name) == ("c-1", "blob-letter")
        remaining = set(uow.session.scalars(sa.select(Document.id)))
    assert waiting == left
    assert remaining == {"id-copy", "other-client"}

    # Asked again (the answer was lost on the way): the same answer, and the blob goes.
    assert erase(store, blobs, "c-1") == first
    assert not any(storage.exists(f"blob-{n}") for n in ("letter", "own-file"))
    assert storage.exists("blob-id-copy") and storage.exists("blob-other-client")
    assert erase(store, blobs, "c-2") == [{"id": "other-client", "dossier_id": "d-1"}]
    assert erase(store, blobs, "c-3") == []


def test_the_janitor_round_deletes_a_blob_whose_deletion_failed(tmp_path):
    url = f"sqlite:///{tmp_path / 'documents.db'}"
    upgrade("documents", url)
    store = LocalStore(url)
    storage = DeleteFailsOnce(tmp_path / "blobs")
    blobs = BlobStore(storage, Keyring({"k1": b"k" * 32}, "k1"))
    with store.unit_of_work() as uow:
        document(uow, "letter", "correspondence")
    blobs.write("blob-letter", [b"inhoud"])
    assert erase(store, blobs, "c-1") == [{"id": "letter", "dossier_id": "d-1"}]
    assert storage.exists("blob-letter")

    assert erasure.delete_erased_blobs(store, blobs) == 1  # the timer's round, any client
    assert not storage.exists("blob-letter")
    with store.unit_of_work() as uow:
        assert uow.session.get(ErasedDocument, "letter").blob_deleted_at is not None
    assert erasure.delete_erased_blobs(store, blobs) == 0  # nothing left to do
