"""The real dossier service taking documents' events through its inbox (schema from its
Alembic migrations, SQLite and PostgreSQL, real broker): audit entries, review tasks,
the e-mails to the client (commands on `notify.commands`), and check_dossier_access."""

import time
from datetime import timedelta
from types import SimpleNamespace

import pytest
import sqlalchemy as sa
from kombu import Connection
from nameko.standalone.events import event_dispatcher
from nameko.standalone.rpc import ClusterRpcProxy
from nameko.testing.services import entrypoint_waiter

from services.common.context import Principal
from services.common.db import utcnow
from services.common.errors import KluisError
from services.common.migrate import upgrade
from services.common.topology import consumer_queues
from services.common.unit_of_work import command_queue, event_envelope
from services.dossier.models import AuditEntry, Client, Task, metadata
from services.dossier.service import DossierService
from services.notify import templates

from .kit import principal_context, select_all

ADMIN = Principal(account_id="admin-1", kind="admin")
ANN = Principal(account_id="acc-ann", kind="client")
BV = Principal(account_id="acc-bv", kind="client")
EVENTS = (
    "document_uploaded",
    "document_published",
    "document_visibility_changed",
    "document_downloaded",
    "request_created",
    "request_reviewed",
)
outbox, inbox = metadata.tables["outbox"], metadata.tables["inbox"]


def rpc_as(config, principal):
    return ClusterRpcProxy(config, context_data=principal_context(principal))


def refusal(call, *args):
    with pytest.raises(KluisError) as raised:
        call(*args)
    return type(raised.value).__name__


def activate(engine, client_id, account_id):
    """What identity's account_activated leaves behind: an accepted portal account."""
    with engine.begin() as connection:
        connection.execute(
            sa.update(Client.__table__)
            .where(Client.id == client_id)
            .values(account_id=account_id, invitation_status="accepted", accepted_at=utcnow())
        )


@pytest.fixture
def world(config, make_db_url, engines, start_service):
    """Two offices (staff a, staff b); office A has Ann (activated) with dossier D-1 and
    Piet (no portal account) with D-2."""
    url = make_db_url("dossier")
    upgrade("dossier", url)
    config = {**config, "DB_URL": url, "KLUIS_PUBLIC_URL": "http://kluis.test/"}
    container = start_service(DossierService, config)
    engine = engines(url)
    with rpc_as(config, ADMIN) as rpc:
        office_a = rpc.dossier.create_office("P-1", "Hypotheekhuis", "Utrecht")["id"]
        office_b = rpc.dossier.create_office("P-2", "Elders", "Gouda")["id"]
    staff_a = Principal(account_id="staff-a", kind="staff", offices={office_a: "staff"})
    with rpc_as(config, staff_a) as rpc:
        ann = rpc.dossier.create_client(office_a, "person", "Ann", "ann@example.nl", language="en")
        piet = rpc.dossier.create_client(office_a, "person", "Piet", "piet@example.nl")
        d1 = rpc.dossier.create_dossier(ann["id"], "D-1", "Hypotheek")
        d2 = rpc.dossier.create_dossier(piet["id"], "D-2", "Verzekering")
    activate(engine, ann["id"], ANN.account_id)
    return SimpleNamespace(
        config=config,
        container=container,
        engine=engine,
        office_a=office_a,
        ann=ann,
        piet=piet,
        d1=d1,
        d2=d2,
        staff_a=staff_a,
        staff_b=Principal(account_id="staff-b", kind="staff", offices={office_b: "owner"}),
    )


def deliver(world, event_type, times=1, actor="acc-ann", occurred_at=None, **payload):
    """Publish a documents event as documents would (`times` times, the same event id);
    return its envelope once dossier has taken every copy."""
    event = event_envelope(event_type, actor, payload)
    if occurred_at:
        event["occurred_at"] = occurred_at.isoformat()
    taken = []
    dispatch = event_dispatcher(world.config)
    with entrypoint_waiter(
        world.container,
        f"handle_{event_type}",
        timeout=10,
        callback=lambda *args: taken.append(args) or len(taken) == times,
    ):
        for _ in range(times):
            dispatch("documents", event_type, event)
    assert all(exc_info is None for _ctx, _result, exc_info in taken)
    return event


def about(dossier, actor_kind="client", looked_along_by=None):
    return dict(
        dossier_id=dossier["id"],
        office_id=dossier["office_id"],
        client_id=dossier["client_id"],
        actor_kind=actor_kind,
        looked_along_by=looked_along_by,
    )


def upload(world, request_id="req-1", dossier=None, **extra):
    return deliver(
        world,
        "document_uploaded",
        document_id=extra.pop("document_id", "doc-1"),
        request_id=request_id,
        category="delivered_by_me",
        name="loon.pdf",
        public=True,
        **about(dossier or world.d1),
        **extra,
    )


def review(world, decision, request_id="req-1", deliver_by="client", dossier=None, **extra):
    return deliver(
        world,
        "request_reviewed",
        actor="staff-a",
        request_id=request_id,
        title="Loonstrook",
        deliver_by=deliver_by,
        decision=decision,
        reason="Onleesbaar" if decision == "reject" else None,
        **about(dossier or world.d1, "staff"),
        **extra,
    )


def tasks(world, principal=None, status="open"):
    with rpc_as(world.config, principal or world.staff_a) as rpc:
        return rpc.dossier.list_tasks(status=status, limit=200)["items"]


def sent_commands(world, count):
    """The commands dossier's outbox wrote for notify (exactly `count`), as they arrived
    in the `notify.commands` queue (nobody consumes it in these tests)."""
    assert len(select_all(world.engine, outbox, outbox.c.kind == "command")) == count
    got, deadline = [], time.monotonic() + 10
    with Connection(world.config["AMQP_URI"]) as connection:
        queue = command_queue("notify")(connection.channel())
        queue.declare()
        while len(got) < count and time.monotonic() < deadline:
            message = queue.get(no_ack=True)
            if message is None:
                time.sleep(0.05)
            else:
                got.append(message.decode())
    assert len(got) == count
    return got


def all_handled(world):
    """Every event taken was handled: none waits for a retry, none is parked."""
    return {row.status for row in select_all(world.engine, inbox)} == {"done"}


def test_the_new_event_handler_queues_are_declared_by_the_topology():
    names = {q.name for q in consumer_queues(DossierService)}
    assert {f"evt-documents-{e}--dossier.handle_{e}" for e in EVENTS} <= names
    assert "evt-identity-account_activated--dossier.handle_account_activated" in names


def test_an_upload_for_a_request_opens_one_review_task_until_the_review(world):
    upload(world, document_id="doc-1")
    upload(world, document_id="doc-2")  # a second delivery while the task is open
    upload(world, request_id=None, document_id="doc-3")  # no request: no task
    [task] = tasks(world)
    assert {k: v for k, v in task.items() if k not in ("id", "created_at")} == {
        "type": "review_upload",
        "office_id": world.office_a,
        "dossier_id": world.d1["id"],
        "client_id": world.ann["id"],
        "request_id": "req-1",
        "message_id": None,
        "status": "open",
        "done_at": None,
        "done_by": None,
    }

    reviewed = review(world, "reject")
    [done] = tasks(world, status="done")
    assert (done["id"], done["status"], done["done_by"]) == (task["id"], "done", "staff-a")
    assert done["done_at"] == reviewed["occurred_at"]
    assert tasks(world) == []

    upload(world, document_id="doc-4")  # delivered again after the rejection: a new task
    [again] = tasks(world)
    assert again["id"] != task["id"]
    assert [t["id"] for t in tasks(world, status="all")] == [again["id"], task["id"]]
    assert all_handled(world)


def test_a_review_that_arrives_before_its_upload_leaves_no_task_open(world):
    """Each event type has its own queue: a review may overtake the upload it reviews."""
    uploaded_at = utcnow()
    review(world, "approve", occurred_at=uploaded_at + timedelta(seconds=2))
    upload(world, occurred_at=uploaded_at)
    assert tasks(world, status="all") == []


def test_an_upload_after_the_review_keeps_the_task_open_whatever_the_arrival_order(world):
    """Uploads v1 and v2 reach dossier before the rejection of v1 (their queue drained
    first): the task stands for v2 too, which nobody has reviewed yet."""
    first = utcnow()
    upload(world, document_id="v1", occurred_at=first)
    upload(world, document_id="v2", occurred_at=first + timedelta(seconds=4))
    review(world, "reject", occurred_at=first + timedelta(seconds=2))
    [task] = tasks(world)
    assert task["status"] == "open"
    review(world, "approve", occurred_at=first + timedelta(seconds=6))
    assert tasks(world) == []


def test_what_the_client_may_not_see_stays_out_of_their_own_trail(world):
    deliver(
        world,
        "request_created",
        actor="staff-a",
        request_id="req-lender",
        title="Taxatie",
        deliver_by="lender",
        client_visible=False,
        **about(world.d1, "staff"),
    )
    deliver(
        world,
        "document_uploaded",
        actor="admin-1",
        document_id="doc-lender",
        request_id="req-lender",
        category="document",
        name="taxatie.pdf",
        public=False,
        client_visible=False,
        **about(world.d1, "admin"),
    )
    with rpc_as(world.config, world.staff_a) as rpc:
        trail = {
            e["object"]["id"] for e in rpc.dossier.dossier_audit(world.d1["id"], limit=200)["items"]
        }
    with rpc_as(world.config, ANN) as rpc:
        mine = {e["object"]["id"] for e in rpc.dossier.my_audit(limit=200)["items"]}
    assert {"req-lender", "doc-lender"} <= trail
    assert not {"req-lender", "doc-lender"} & mine


def test_tasks_follow_office_and_consent_and_are_done_once(world):
    upload(world)
    [task] = tasks(world)
    assert tasks(world, world.staff_b) == []
    with rpc_as(world.config, world.staff_b) as rpc:
        assert refusal(rpc.dossier.complete_task, task["id"]) == "NotFound"
    with rpc_as(world.config, ANN) as rpc:
        assert refusal(rpc.dossier.list_tasks) == "Forbidden"
        rpc.dossier.set_my_consent(world.office_a, False)
    assert tasks(world, status="all") == []
    with rpc_as(world.config, world.staff_a) as rpc:
        assert refusal(rpc.dossier.complete_task, task["id"]) == "NotFound"
        assert refusal(rpc.dossier.list_tasks, "closed") == "ValidationFailed"
    with rpc_as(world.config, ANN) as rpc:
        rpc.dossier.set_my_consent(world.office_a, True)
    looking = Principal(
        account_id="staff-a", kind="staff", offices={world.office_a: "staff"}, read_only=True
    )
    with rpc_as(world.config, looking) as rpc:
        assert refusal(rpc.dossier.complete_task, task["id"]) == "ReadOnlySession"
    with rpc_as(world.config, world.staff_a) as rpc:
        done = rpc.dossier.complete_task(task["id"])
        assert (done["status"], done["done_by"]) == ("done", "staff-a")
        assert rpc.dossier.complete_task(task["id"]) == done  # again: unchanged
        assert refusal(rpc.dossier.complete_task, "no-such-task") == "NotFound"
    review(world, "approve")  # nothing open any more: the done task keeps its doer
    assert tasks(world, status="done") == [done]


def test_every_event_is_audited_with_its_actor_and_time(world):
    uploaded = upload(world)
    deliver(
        world,
        "document_visibility_changed",
        actor="staff-a",
        document_id="doc-1",
        public=False,
        **about(world.d1, "staff"),
    )
    deliver(
        world,
        "document_visibility_changed",
        actor="staff-a",
        document_id="doc-1",
        public=True,
        **about(world.d1, "staff"),
    )
    deliver(
        world,
        "document_downloaded",
        document_id="doc-1",
        **about(world.d1, "client", looked_along_by="staff-a"),
    )
    deliver(
        world,
        "request_created",
        actor="staff-a",
        request_id="req-2",
        title="Paspoort",
        deliver_by="client",
        **about(world.d1, "staff"),
    )
    review(world, "approve")
    review(world, "reject", request_id="req-2")
    expected = [
        ("staff-a", "staff", "request_rejected", "request", "req-2"),
        ("staff-a", "staff", "request_approved", "request", "req-1"),
        ("staff-a", "staff", "request_created", "request", "req-2"),
        ("staff-a", "staff", "document_downloaded (look-along)", "document", "doc-1"),
        ("staff-a", "staff", "document_shown", "document", "doc-1"),
        ("staff-a", "staff", "document_hidden", "document", "doc-1"),
        ("acc-ann", "client", "document_uploaded", "document", "doc-1"),
    ]
    with rpc_as(world.config, world.staff_a) as rpc:
        trail = [
            e
            for e in rpc.dossier.dossier_audit(world.d1["id"], limit=200)["items"]
            if e["object"]["type"] in ("document", "request")
        ]
    with rpc_as(world.config, ANN) as rpc:
        mine = [
            e
            for e in rpc.dossier.my_audit(limit=200)["items"]
            if e["object"]["type"] in ("document", "request")
        ]
    for entries in (trail, mine):
        assert [
            (
                e["actor"]["id"],
                e["actor"]["kind"],
                e["action"],
                e["object"]["type"],
                e["object"]["id"],
            )
            for e in entries
        ] == expected
    assert trail[-1]["at"] == uploaded["occurred_at"]  # when it happened
    assert {e["dossier_id"] for e in trail} == {world.d1["id"]}
    assert all_handled(world)


def test_a_duplicate_delivery_is_handled_once(world):
    event = upload(world, times=3)
    assert len(tasks(world)) == 1
    audited = select_all(
        world.engine, AuditEntry.__table__, AuditEntry.action == "document_uploaded"
    )
    assert len(audited) == 1
    [row] = select_all(world.engine, inbox, inbox.c.message_id == event["event_id"])
    assert (row.source, row.status) == ("documents.document_uploaded", "done")
    assert len(select_all(world.engine, Task.__table__)) == 1


def test_the_client_is_told_of_a_new_document_and_of_a_rejected_delivery(world):
    deliver(
        world,
        "document_published",
        actor="staff-a",
        document_id="doc-1",
        title="Offerte",
        **about(world.d1, "staff"),
    )
    deliver(
        world,
        "document_published",
        actor="staff-a",
        document_id="doc-2",
        title="Offerte",
        **about(world.d2, "staff"),
    )  # Piet has no portal account
    review(world, "approve")
    review(world, "reject", request_id="req-2", deliver_by="lender")  # not the client's
    review(world, "reject", request_id="req-3")
    news, rejected = sent_commands(world, 2)
    common = {
        "name": "Ann",
        "office": "Hypotheekhuis",
        "dossier_number": "D-1",
        "portal_url": "http://kluis.test",
    }
    assert (news["template"], news["language"], news["to"], news["account_id"]) == (
        "new_document",
        "en",
        {"email": "ann@example.nl"},
        "acc-ann",
    )
    assert news["data"] == {**common, "title": "Offerte"}
    assert (rejected["template"], rejected["to"], rejected["account_id"]) == (
        "request_rejected",
        {"email": "ann@example.nl"},
        "acc-ann",
    )
    assert rejected["data"] == {**common, "title": "Loonstrook", "reason": "Onleesbaar"}
    for command in (news, rejected):  # the template has every value it needs
        assert "Hypotheekhuis" in templates.render(command["template"], "en", command["data"])[0]


def test_a_company_and_its_extra_accounts_each_get_the_news(world):
    with rpc_as(world.config, world.staff_a) as rpc:
        bv = rpc.dossier.create_client(world.office_a, "company", "Bakkerij BV", "info@bakkerij.nl")
        d3 = rpc.dossier.create_dossier(bv["id"], "D-3", "Bedrijfspand")
    activate(world.engine, bv["id"], BV.account_id)
    with rpc_as(world.config, BV) as rpc:
        extra = rpc.dossier.add_extra_account("Kees", "kees@bakkerij.nl", language="en")
    activate(world.engine, extra["id"], "acc-kees")
    deliver(
        world,
        "document_published",
        actor="staff-a",
        document_id="doc-9",
        title="Taxatie",
        **about(d3, "staff"),
    )
    commands = [c for c in sent_commands(world, 3) if c["template"] == "new_document"]
    assert sorted(
        (c["to"]["email"], c["account_id"], c["language"], c["data"]["name"]) for c in commands
    ) == [
        ("info@bakkerij.nl", "acc-bv", "nl", "Bakkerij BV"),
        ("kees@bakkerij.nl", "acc-kees", "en", "Kees"),
    ]


def test_check_dossier_access_answers_for_the_end_user(world):
    expected = {
        "dossier_id": world.d1["id"],
        "office_id": world.office_a,
        "client_id": world.ann["id"],
        "number": "D-1",
        "status": "in_progress",
    }
    before = len(select_all(world.engine, AuditEntry.__table__))
    with rpc_as(world.config, world.staff_a) as rpc:
        assert rpc.dossier.check_dossier_access(world.d1["id"]) == {**expected, "as": "staff"}
        assert refusal(rpc.dossier.check_dossier_access, "no-such-dossier") == "NotFound"
    with rpc_as(world.config, ANN) as rpc:
        assert rpc.dossier.check_dossier_access(world.d1["id"]) == {**expected, "as": "client"}
        assert refusal(rpc.dossier.check_dossier_access, world.d2["id"]) == "NotFound"
    for outsider in (world.staff_b, ADMIN):
        with rpc_as(world.config, outsider) as rpc:
            assert refusal(rpc.dossier.check_dossier_access, world.d1["id"]) == "NotFound"
    with ClusterRpcProxy(world.config) as rpc:
        assert refusal(rpc.dossier.check_dossier_access, world.d1["id"]) == "Unauthenticated"
    assert len(select_all(world.engine, AuditEntry.__table__)) == before  # not audited
