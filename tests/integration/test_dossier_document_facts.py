"""dossier's read model of documents' facts (issue #15: one RPC per authenticated read):
the counts per tab in get_dossier and list_dossiers, kept from documents' events as the
real dossier service takes them through its inbox (SQLite and PostgreSQL, real broker),
and the one-time backfill of the documents that existed before. documents does not run
here: the events are published as documents publishes them."""

import logging
import time
from datetime import timedelta
from types import SimpleNamespace

import sqlalchemy as sa

from services.common.context import Principal
from services.common.db import utcnow
from services.common.rpc import ServiceUnavailable
from services.common.unit_of_work import unit_of_work
from services.dossier import document_facts
from services.dossier.models import Backfill, DocumentFact

from .kit import select_all
from .test_dossier_tasks import (
    ADMIN,
    ANN,
    about,
    all_handled,
    deliver,
    inbox,
    outbox,
    rpc_as,
    world,  # noqa: F401  (the fixture)
)

EMPTY = {
    "documents": {"total": 0, "unread": 0},
    "correspondence": {"total": 0, "unread": 0},
    "delivered_by_me": {"total": 0},
}


def colleague(world):
    """Another staff member of office A: reads what staff-a uploaded as news."""
    return Principal(account_id="staff-a2", kind="staff", offices={world.office_a: "staff"})


def tabs(world, principal, dossier=None):
    with rpc_as(world.config, principal) as rpc:
        found = rpc.dossier.get_dossier((dossier or world.d1)["id"])["tabs"]
    assert found.pop("messages") == {"total": 0, "unread": 0}
    return found


def unread_listed(world, principal):
    with rpc_as(world.config, principal) as rpc:
        return {d["id"]: d["unread"] for d in rpc.dossier.list_dossiers(limit=200)["items"]}


def uploaded(
    world,
    document_id,
    category="document",
    public=True,
    by="staff-a",
    kind="staff",
    times=1,
    **extra,
):
    return deliver(
        world,
        "document_uploaded",
        times=times,
        actor=by,
        document_id=document_id,
        request_id=None,
        category=category,
        name=f"{document_id}.pdf",
        public=public,
        client_visible=public,
        **{**about(world.d1, kind), **extra},
    )


def downloaded(world, document_id, by="acc-ann", kind="client", looked_along_by=None, times=1):
    return deliver(
        world,
        "document_downloaded",
        times=times,
        actor=by,
        document_id=document_id,
        client_visible=True,
        **about(world.d1, kind, looked_along_by),
    )


def visibility(
    world,
    document_id,
    public,
    occurred_at=None,
    category="document",
    uploaded_by="staff-a",
    **extra,
):
    facts = {} if category is None else {"category": category, "uploaded_by": uploaded_by}
    return deliver(
        world,
        "document_visibility_changed",
        actor="staff-a",
        occurred_at=occurred_at,
        document_id=document_id,
        public=public,
        client_visible=public,
        **facts,
        **about(world.d1, "staff"),
        **extra,
    )


def a_dossier_with_documents(world):
    """Staff-a uploads two documents (one hidden) and a letter; Ann delivers one."""
    uploaded(world, "doc-1")
    uploaded(world, "doc-2", public=False)
    uploaded(world, "letter", category="correspondence")
    uploaded(world, "payslip", category="delivered_by_me", by="acc-ann", kind="client")


def test_staff_count_everything_clients_the_public_ones_and_own_uploads_are_not_news(world):
    a_dossier_with_documents(world)
    assert tabs(world, world.staff_a) == {  # the uploader: nothing new to them
        "documents": {"total": 2, "unread": 0},
        "correspondence": {"total": 1, "unread": 0},
        "delivered_by_me": {"total": 1},
    }
    assert tabs(world, colleague(world)) == {
        "documents": {"total": 2, "unread": 2},
        "correspondence": {"total": 1, "unread": 1},
        "delivered_by_me": {"total": 1},
    }
    assert tabs(world, ANN) == {  # doc-2 is hidden from the client
        "documents": {"total": 1, "unread": 1},
        "correspondence": {"total": 1, "unread": 1},
        "delivered_by_me": {"total": 1},
    }
    assert tabs(world, colleague(world), world.d2) == EMPTY
    assert unread_listed(world, colleague(world)) == {
        world.d1["id"]: {"documents": 2, "correspondence": 1, "messages": 0},
        world.d2["id"]: {"documents": 0, "correspondence": 0, "messages": 0},
    }
    assert unread_listed(world, ANN) == {
        world.d1["id"]: {"documents": 1, "correspondence": 1, "messages": 0}
    }


def test_a_download_reads_it_for_that_reader_only_and_a_look_along_reads_nothing(world):
    a_dossier_with_documents(world)
    downloaded(world, "doc-1")
    downloaded(world, "letter", by="acc-ann", looked_along_by="staff-a")
    assert tabs(world, ANN)["documents"] == {"total": 1, "unread": 0}
    assert tabs(world, ANN)["correspondence"] == {"total": 1, "unread": 1}  # looked along
    assert tabs(world, colleague(world))["documents"] == {"total": 2, "unread": 2}
    downloaded(world, "doc-2", by="staff-a2", kind="staff")
    assert tabs(world, colleague(world))["documents"] == {"total": 2, "unread": 1}


def test_a_visibility_change_moves_the_document_in_or_out_of_the_clients_counts(world):
    a_dossier_with_documents(world)
    shown_at = utcnow()
    visibility(world, "doc-2", True, occurred_at=shown_at)
    assert tabs(world, ANN)["documents"] == {"total": 2, "unread": 2}
    # An older change that arrives late (each event type has its own queue) is history.
    visibility(world, "doc-2", False, occurred_at=shown_at - timedelta(seconds=1))
    assert tabs(world, ANN)["documents"] == {"total": 2, "unread": 2}
    visibility(world, "doc-1", False, occurred_at=shown_at + timedelta(seconds=1))
    assert tabs(world, ANN)["documents"] == {"total": 1, "unread": 1}
    assert tabs(world, colleague(world))["documents"] == {"total": 2, "unread": 2}


def test_a_visibility_change_that_overtakes_its_upload_still_counts(world):
    uploaded_at = utcnow()
    visibility(world, "doc-9", True, occurred_at=uploaded_at + timedelta(seconds=1))
    deliver(
        world,
        "document_uploaded",
        actor="staff-a",
        occurred_at=uploaded_at,
        document_id="doc-9",
        request_id=None,
        category="document",
        name="x.pdf",
        public=False,
        client_visible=False,
        **about(world.d1, "staff"),
    )
    assert tabs(world, ANN)["documents"] == {"total": 1, "unread": 1}
    assert tabs(world, world.staff_a)["documents"] == {"total": 1, "unread": 0}


def test_an_event_delivered_twice_or_replayed_counts_once(world):
    uploaded(world, "doc-1", times=2)  # the same event id twice: the inbox skips one
    uploaded(world, "doc-1")  # the same fact under another id (as a backfill overlaps)
    downloaded(world, "doc-1", times=2)
    downloaded(world, "doc-1")
    uploaded(world, "doc-2")
    assert tabs(world, ANN)["documents"] == {"total": 2, "unread": 1}
    assert len(select_all(world.engine, DocumentFact.__table__)) == 2
    assert all_handled(world)  # taken as no change, not refused and parked


def test_an_older_visibility_event_without_the_facts_waits_for_its_upload(world):
    """Events sent before documents added `category` and `uploaded_by` to them: for a
    document dossier does not know yet, the event is retried, then parked, never lost."""
    event = visibility(
        world, "doc-old", True, category=None, occurred_at=utcnow() + timedelta(seconds=5)
    )  # after the upload
    deadline = time.monotonic() + 10
    while [
        r.status for r in select_all(world.engine, inbox, inbox.c.message_id == event["event_id"])
    ] != ["parked"]:
        assert time.monotonic() < deadline, "not parked"
        time.sleep(0.05)
    uploaded(world, "doc-old", public=False)
    assert tabs(world, ANN)["documents"] == {"total": 0, "unread": 0}
    with rpc_as(world.config, ADMIN) as rpc:
        rpc.dossier.replay_parked_message(event["event_id"])
    deadline = time.monotonic() + 10
    while tabs(world, ANN)["documents"] != {"total": 1, "unread": 1}:
        assert time.monotonic() < deadline, "the replayed change did not count"
        time.sleep(0.05)


def pages(*answers):
    """documents.export_document_facts as a list of pages; records the cursors asked."""
    asked = []

    def export(after, limit):
        asked.append(after)
        return answers[len(asked) - 1]

    export.asked = asked
    return export


def test_the_backfill_copies_existing_documents_once_and_yields_to_events(world):
    store = SimpleNamespace(unit_of_work=lambda: unit_of_work(world.engine, "dossier", outbox))
    uploaded(world, "doc-2", public=False)  # already known from its event: kept as it is
    later = utcnow() + timedelta(seconds=1)
    as_of = utcnow().isoformat()
    export = pages(
        {
            "documents": [fact(world, "doc-1", True), fact(world, "doc-2", True)],
            "downloads": [["doc-1", "acc-ann"], ["doc-1", "staff-a2"]],
            "next_cursor": "doc-2",
            "as_of": as_of,
        },
        {
            "documents": [fact(world, "letter", True, "correspondence")],
            "downloads": [],
            "next_cursor": None,
            "as_of": as_of,
        },
    )
    document_facts.backfill(store, export)
    assert export.asked == [None, "doc-2"]
    assert tabs(world, ANN) == {
        "documents": {"total": 1, "unread": 0},
        "correspondence": {"total": 1, "unread": 1},
        "delivered_by_me": {"total": 0},
    }
    [state] = select_all(world.engine, Backfill.__table__, Backfill.name == "document_facts")
    assert state.cursor is None and state.done_at is not None
    document_facts.backfill(store, pages())  # done: documents is not asked again
    # A change from before the page was read (say, parked then replayed) is in it already
    visibility(world, "doc-1", False, occurred_at=utcnow() - timedelta(hours=1))
    assert tabs(world, ANN)["documents"] == {"total": 1, "unread": 0}
    visibility(world, "doc-1", False, occurred_at=later)  # a later event outranks it
    assert tabs(world, ANN)["documents"] == {"total": 0, "unread": 0}


def test_a_backfill_that_stopped_resumes_where_it_was(world):
    store = SimpleNamespace(unit_of_work=lambda: unit_of_work(world.engine, "dossier", outbox))
    with world.engine.begin() as connection:
        connection.execute(
            sa.update(Backfill.__table__)
            .where(Backfill.name == "document_facts")
            .values(cursor="doc-5")
        )
    export = pages(
        {"documents": [fact(world, "doc-6", True)], "downloads": [], "next_cursor": None}
    )
    document_facts.backfill(store, export)
    assert export.asked == ["doc-5"]
    assert tabs(world, ANN)["documents"] == {"total": 1, "unread": 1}


def test_a_backfill_waits_for_documents_quietly_and_says_so_once(world, caplog, monkeypatch):
    store = SimpleNamespace(unit_of_work=lambda: unit_of_work(world.engine, "dossier", outbox))

    def not_there(after, limit):
        raise ServiceUnavailable({"service": "documents"})

    caplog.set_level(logging.INFO, logger=document_facts.log.name)
    # The world's dossier runs the same backfill on its timer in this process, with no
    # documents to ask either, and may have said it already: from here on, these rounds.
    monkeypatch.setattr(document_facts, "_waiting", [])
    start = len(caplog.records)
    for _ in range(3):  # dossier started before documents: rounds until it answers
        document_facts.backfill(store, not_there)
    waits = [(r.levelno, r.getMessage()) for r in caplog.records[start:]]
    assert waits == [
        (
            logging.INFO,
            "dossier: the backfill of document facts waits for documents (ServiceUnavailable)",
        )
    ]
    document_facts.backfill(store, pages({"documents": [], "downloads": [], "next_cursor": None}))
    assert caplog.records[-1].getMessage() == "dossier: the backfill of document facts is complete"


def fact(world, document_id, public, category="document", uploaded_by="staff-a"):
    return {
        "id": document_id,
        "dossier_id": world.d1["id"],
        "category": category,
        "public": public,
        "uploaded_by": uploaded_by,
    }
