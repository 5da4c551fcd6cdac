"""Erasure on request in the real dossier service (schema from its migrations, SQLite and
PostgreSQL, real broker), docs/privacy.md "Bewaren en wissen": the office records a
request that reached it by letter, and when a step of what goes at once fails (documents
cannot be reached: it does not run yet), the erasure timer finishes it once documents
answers, the real documents service started beside it; and when documents erased but
its answer never reached dossier, the next round still learns every erased document
and records each once (issue #18)."""

import logging
from contextlib import ExitStack
from datetime import UTC, datetime, timedelta

from nameko.testing.services import entrypoint_hook

from services.common.context import Principal
from services.common.lease import lease
from services.common.migrate import upgrade
from services.documents import erasure
from services.documents.service import DocumentsService
from services.documents.storage import BlobStore
from services.dossier import retention_entrypoints
from services.dossier.models import AuditEntry, Backfill, ClientRetention, DocumentFact

from .conftest import free_port
from .kit import select_all
from .test_documents_erasure import DeleteFailsOnce, document
from .test_documents_janitor import LocalStore
from .test_dossier_document_facts import uploaded
from .test_dossier_tasks import (
    about,
    refusal,
    rpc_as,
    world,  # noqa: F401  (the fixture)
)


def _owner(world):
    return Principal(account_id="owner-a", kind="staff", offices={world.office_a: "owner"})


def _retention(world, principal):
    with rpc_as(world.config, principal) as rpc:
        return rpc.dossier.client_retention(world.piet["id"])


def _messages(world):
    with rpc_as(world.config, _owner(world)) as rpc:  # after the end: the owner alone
        return rpc.dossier.list_messages(world.d2["id"])["items"]


def _erase_round(world):
    """One round of the erasure timer, run now rather than waited for."""
    with entrypoint_hook(world.container, "erase_due_clients") as round_:
        round_()


def _start_documents(world, make_db_url, start_service, tmp_path, url=None):
    if url is None:
        url = make_db_url("documents")
        upgrade("documents", url)
    config = {
        **world.config,
        "DB_URL": url,
        "WEB_SERVER_ADDRESS": f"127.0.0.1:{free_port()}",
        "BLOB_DIR": str(tmp_path / "blobs"),
    }
    start_service(DocumentsService, config)


def test_a_recorded_request_and_a_failed_step_that_the_timer_finishes(
    world,  # noqa: F811
    make_db_url,
    start_service,
    tmp_path,
    monkeypatch,
):
    monkeypatch.setenv("KLUIS_VAR", str(tmp_path / "var"))
    owner, piet = _owner(world), world.piet  # Piet has no portal account: he wrote a letter
    with rpc_as(world.config, world.staff_a) as rpc:
        rpc.dossier.post_message(world.d2["id"], "Uw loon", "Piet verdient genoeg")
        recorded = rpc.dossier.record_erasure_request(piet["id"])
        again = rpc.dossier.record_erasure_request(piet["id"])
    assert recorded["erasure_requested_at"] and recorded["ended_at"] is None
    assert again["erasure_requested_at"] == recorded["erasure_requested_at"]
    assert recorded["requested_erased_at"] is None  # the relationship goes on: nothing yet
    with rpc_as(world.config, world.staff_b) as rpc:  # another office's owner
        assert refusal(rpc.dossier.record_erasure_request, piet["id"]) == "NotFound"
    key = Principal(
        account_id="key-1",
        kind="staff",
        offices={world.office_a: "staff"},
        auth_method="api_key",
        scopes=("clients:read", "dossiers:read", "documents:write", "requests:write"),
    )
    with rpc_as(world.config, key) as rpc:  # past the gateway: refused all the same
        assert refusal(rpc.dossier.record_erasure_request, piet["id"]) == "ScopeMissing"

    with rpc_as(world.config, owner) as rpc:
        # The end is recorded; what goes at once fails, documents being unreachable.
        assert refusal(rpc.dossier.end_client_relationship, piet["id"]) == "ServiceUnavailable"
    ended = _retention(world, owner)
    assert ended["ended_at"] and ended["requested_erased_at"] is None
    assert "Piet verdient genoeg" in str(_messages(world))
    _erase_round(world)  # documents still away: left for the next round, no harm done
    assert _retention(world, owner)["requested_erased_at"] is None

    _start_documents(world, make_db_url, start_service, tmp_path)
    _erase_round(world)
    done = _retention(world, owner)
    assert done["requested_erased_at"] and not done["erased"]
    (message,) = _messages(world)
    assert (message["subject"], message["body"]) == ("(gewist)", "(gewist)")
    _erase_round(world)  # nothing left to do: the time of the erasure stays
    assert _retention(world, owner)["requested_erased_at"] == done["requested_erased_at"]


def _trail(world, action):
    rows = select_all(world.engine, AuditEntry.__table__, AuditEntry.action == action)
    return sorted(row.object_id for row in rows)


def test_an_erasure_whose_answer_was_lost_is_finished_by_the_next_round_once(
    world,  # noqa: F811
    make_db_url,
    start_service,
    tmp_path,
    monkeypatch,
):
    monkeypatch.setenv("KLUIS_VAR", str(tmp_path / "var"))
    owner, piet = _owner(world), world.piet
    for document_id, category in (("letter", "correspondence"), ("id-copy", "document")):
        uploaded(world, document_id, category=category, **about(world.d2, "staff"))
    url = make_db_url("documents")
    upgrade("documents", url)
    documents = LocalStore(url)
    with documents.unit_of_work() as uow:
        for document_id, category in (("letter", "correspondence"), ("id-copy", "document")):
            document(uow, document_id, category, world.d2["id"], piet["id"])
    storage = DeleteFailsOnce(tmp_path / "blobs")  # the folder documents will use
    storage.put("blob-letter", [b"sealed bytes"])
    with rpc_as(world.config, world.staff_a) as rpc:
        rpc.dossier.record_erasure_request(piet["id"])
    with rpc_as(world.config, owner) as rpc:  # documents cannot be reached: left to do
        assert refusal(rpc.dossier.end_client_relationship, piet["id"]) == "ServiceUnavailable"

    # documents erases (and fails to delete the blob), but its answer never reaches
    # dossier: the RPC timed out after the commit.
    with documents.unit_of_work() as uow:
        assert erasure.erase_unkept(uow, piet["id"]) == [
            {"id": "letter", "dossier_id": world.d2["id"]}
        ]
    erasure.delete_erased_blobs(documents, BlobStore(storage, None), piet["id"])
    assert storage.exists("blob-letter")
    facts = {row.id for row in select_all(world.engine, DocumentFact.__table__)}
    assert facts == {"letter", "id-copy"}

    _start_documents(world, make_db_url, start_service, tmp_path, url)
    _erase_round(world)  # documents answers the letter again: dossier forgets it now
    assert _retention(world, owner)["requested_erased_at"]
    assert {row.id for row in select_all(world.engine, DocumentFact.__table__)} == {"id-copy"}
    assert _trail(world, "document_erased") == ["letter"]
    assert _trail(world, "requested_data_erased") == [piet["id"]]
    assert not storage.exists("blob-letter")  # and its blob is deleted this time

    with rpc_as(world.config, owner) as rpc:  # asked again: the same answer, no new entries
        rpc.dossier.record_erasure_request(piet["id"])
        rpc.dossier.end_client_relationship(piet["id"])
    _erase_round(world)
    assert _trail(world, "document_erased") == ["letter"]
    assert _trail(world, "requested_data_erased") == [piet["id"]]


class Kept(logging.Handler):
    def __init__(self):
        super().__init__(logging.INFO)
        self.messages = []

    def emit(self, record):
        self.messages.append(record.getMessage())


def test_erasures_at_the_end_of_retention_wait_for_the_sealing_backfill(world, monkeypatch):  # noqa: F811
    """Until every row is sealed, an address used elsewhere is not found by its blind
    index: the erasure at the end of retention waits (and says so once), then goes on.
    The test holds the backfill's lease (named as the service's Store names it), so the
    service's backfill timer leaves it be."""
    past = datetime.now(UTC) - timedelta(days=1)
    kept, logger = Kept(), logging.getLogger("services.dossier.retention_entrypoints")
    monkeypatch.setattr(logger, "level", logging.INFO)
    logger.addHandler(kept)
    monkeypatch.setattr(logger, "handlers", [*logger.handlers])  # restored afterwards
    with ExitStack() as stack:
        while not stack.enter_context(lease(world.engine, "dossier.backfill_sealed_fields")):
            stack.close()  # a round of the backfill holds it now: until it is done
        with world.engine.begin() as db:
            db.execute(
                ClientRetention.__table__.insert().values(
                    client_id=world.piet["id"],
                    office_id=world.office_a,
                    ended_at=past,
                    ended_by="owner-a",
                    erase_at=past,
                )
            )
            db.execute(
                Backfill.__table__.update()
                .where(Backfill.name == "sealed_fields")
                .values(done_at=None, cursor=None)
            )
        _erase_round(world)
        _erase_round(world)
        waits = [m for m in kept.messages if "wait for the sealing backfill" in m]
        assert len(waits) <= 1 and retention_entrypoints._waiting["told"]  # once, not each round
        assert not [m for m in kept.messages if "erasure of client" in m]
        assert not _retention(world, _owner(world))["erased"]

        with world.engine.begin() as db:
            db.execute(
                Backfill.__table__.update()
                .where(Backfill.name == "sealed_fields")
                .values(done_at=datetime.now(UTC))
            )
        _erase_round(world)  # now it is tried: documents cannot be reached, left for later
    assert not retention_entrypoints._waiting["told"]
    tried = [m for m in kept.messages if "erasure of client" in m]
    assert tried and all(world.piet["id"] in message for message in tried)
