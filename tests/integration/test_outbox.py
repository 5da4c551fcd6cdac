"""Outbox: a state change and its event are committed together, relayed to RabbitMQ with
publisher confirms, and the row is marked sent only after the broker took the event.
Runs on SQLite and PostgreSQL."""

from datetime import UTC, datetime, timedelta

import eventlet
import pytest
from nameko.exceptions import RemoteError
from nameko.standalone.rpc import ClusterRpcProxy
from nameko.testing.services import entrypoint_waiter
from nameko.testing.utils import get_extension
from prometheus_client import REGISTRY, generate_latest

from services.common import metrics
from services.common.store import Store, StoreSettings
from services.common.unit_of_work import unit_of_work

from .kit import (
    RECEIVED,
    Consumer,
    Producer,
    ThingHappened,
    producer_metadata,
    select_all,
    things,
    wait_until,
)

outbox = producer_metadata.tables["outbox"]


@pytest.fixture
def producer_db(make_db_url, engines):
    url = make_db_url("producer")
    engine = engines(url)
    producer_metadata.create_all(engine)
    return url, engine


@pytest.fixture
def running(config, producer_db, start_service):
    """-> (producer container, consumer container, producer's engine), both started."""
    RECEIVED.clear()
    url, engine = producer_db
    consumer = start_service(Consumer, config)
    producer = start_service(Producer, {**config, "DB_URL": url})
    yield producer, consumer, engine
    RECEIVED.clear()


class BrokerRefused(Exception):
    pass


class CheckingPublisher:
    """The real publisher, noting the outbox row's `sent_at` at the moment of publishing."""

    def __init__(self, real, engine):
        self.real, self.engine, self.seen = real, engine, []

    def publish(self, payload, **kwargs):
        (row,) = select_all(self.engine, outbox, outbox.c.id == payload["event_id"])
        self.seen.append((payload["event_id"], row.sent_at))
        self.real.publish(payload, **kwargs)


class RefusingPublisher:
    """A broker that refuses everything."""

    def __init__(self):
        self.calls = 0

    def publish(self, payload, **kwargs):
        self.calls += 1
        raise BrokerRefused("channel closed")


def test_event_arrives_in_envelope_and_row_is_marked_sent_after(config, running):
    producer, consumer, engine = running
    store = get_extension(producer, Store)
    checking = store.publisher = CheckingPublisher(store.publisher, engine)

    with entrypoint_waiter(consumer, "handle_thing_happened", timeout=10):
        with ClusterRpcProxy(config) as rpc:
            envelope = rpc.producer.make_thing(7, actor="account-9")

    assert [envelope] == RECEIVED
    event = RECEIVED[0]
    assert set(event) == {"event_id", "event_type", "occurred_at", "actor", "x"}
    assert (event["event_type"], event["actor"], event["x"]) == ("thing_happened", "account-9", 7)
    occurred = datetime.fromisoformat(event["occurred_at"])
    assert abs(datetime.now(UTC) - occurred) < timedelta(minutes=1)
    # published while the row was still unsent; marked sent afterwards, once
    assert checking.seen == [(event["event_id"], None)]
    (row,) = wait_until(
        lambda: select_all(engine, outbox, outbox.c.sent_at.is_not(None)),
        message="outbox row marked sent",
    )
    assert (row.id, row.kind, row.exchange, row.routing_key) == (
        event["event_id"],
        "event",
        "producer.events",
        "thing_happened",
    )
    assert row.attempts == 0 and row.last_error is None
    assert row.sent_at >= row.created_at
    assert [r.x for r in select_all(engine, things)] == [7]


def test_failed_unit_of_work_writes_nothing_and_publishes_nothing(config, running):
    producer, consumer, engine = running
    with ClusterRpcProxy(config) as rpc:
        with pytest.raises(RemoteError) as raised:
            rpc.producer.make_thing_then_fail(1)
        assert raised.value.exc_type == "Boom"
        assert select_all(engine, things) == [] and select_all(engine, outbox) == []
        # a later event overtakes nothing: the consumer gets only that one
        with entrypoint_waiter(consumer, "handle_thing_happened", timeout=10):
            rpc.producer.make_thing(2)
    assert [e["x"] for e in RECEIVED] == [2]
    assert [r.x for r in select_all(engine, things)] == [2]
    assert len(select_all(engine, outbox)) == 1


def test_row_stays_unsent_while_broker_refuses_then_is_delivered(config, running):
    producer, consumer, engine = running
    store = get_extension(producer, Store)
    real, refusing = store.publisher, RefusingPublisher()
    store.publisher = refusing

    with ClusterRpcProxy(config) as rpc:
        envelope = rpc.producer.make_thing(3)
    (row,) = wait_until(
        lambda: select_all(engine, outbox, outbox.c.attempts >= 2),
        message="two failed publishing attempts",
    )
    assert row.sent_at is None
    assert row.last_error == "BrokerRefused"
    assert row.next_attempt_at > row.created_at
    assert refusing.calls >= 2 and RECEIVED == []
    # the state change itself was committed: only its announcement waits
    assert [r.x for r in select_all(engine, things)] == [3]

    with entrypoint_waiter(consumer, "handle_thing_happened", timeout=10):
        store.publisher = real
    assert [envelope] == RECEIVED
    (row,) = wait_until(
        lambda: select_all(engine, outbox, outbox.c.sent_at.is_not(None)),
        message="outbox row marked sent",
    )
    assert row.attempts >= 2


def test_every_row_is_relayed_once_after_an_outage(config, running):
    producer, consumer, engine = running
    store = get_extension(producer, Store)
    real = store.publisher
    store.publisher = RefusingPublisher()
    with ClusterRpcProxy(config) as rpc:
        for x in range(5):
            rpc.producer.make_thing(x)
    wait_until(
        lambda: select_all(engine, outbox, outbox.c.attempts >= 1),
        message="a failed publishing attempt",
    )

    def all_five(worker_ctx, result, exc_info):
        return len(RECEIVED) == 5

    with entrypoint_waiter(consumer, "handle_thing_happened", timeout=15, callback=all_five):
        store.publisher = real
    # each once (the order is not kept: every row has its own backoff)
    assert sorted(e["x"] for e in RECEIVED) == [0, 1, 2, 3, 4]
    wait_until(
        lambda: len(select_all(engine, outbox, outbox.c.sent_at.is_not(None))) == 5,
        message="all five rows marked sent",
    )


def test_two_instances_relay_every_row_exactly_once(config, producer_db, start_service):
    """Two producers on one database: both relays run at once over the same outbox, and
    each row is published by one of them, once; none is left behind."""
    RECEIVED.clear()
    url, engine = producer_db
    start_service(Consumer, config)
    first = start_service(Producer, {**config, "DB_URL": url})
    second = start_service(Producer, {**config, "DB_URL": url})
    stores = [get_extension(first, Store), get_extension(second, Store)]
    emitted = []
    with ClusterRpcProxy(config) as rpc:
        for batch in range(3):
            # a batch written at once (as a busy instance would), then both relays woken
            with unit_of_work(engine, "producer", outbox) as uow:
                emitted += [
                    uow.emit(ThingHappened(x=x), actor="account-1")["event_id"]
                    for x in range(batch * 300, batch * 300 + 300)
                ]
            for store in stores:
                store.kick()
            # and some through either instance (RPC goes to whichever takes it)
            emitted += [
                rpc.producer.make_thing(1000 + batch * 20 + x)["event_id"] for x in range(20)
            ]

    wait_until(lambda: len(RECEIVED) >= len(emitted), timeout=30, message="every event")
    wait_until(
        lambda: len(select_all(engine, outbox, outbox.c.sent_at.is_not(None))) == len(emitted),
        message="every row marked sent",
    )
    # a duplicate would have arrived by now: its row was published before it was marked
    received = [event["event_id"] for event in RECEIVED]
    assert sorted(received) == sorted(emitted)
    assert len(set(received)) == len(received) == 960
    RECEIVED.clear()


class SlowPublisher:
    """The real publisher, a broker slow to confirm: each publish takes `seconds`."""

    def __init__(self, real, seconds):
        self.real, self.seconds = real, seconds

    def publish(self, payload, **kwargs):
        eventlet.sleep(self.seconds)
        self.real.publish(payload, **kwargs)


def test_a_batch_that_outlasts_its_claim_stops_and_no_row_is_published_twice(
    config, producer_db, start_service
):
    """Two relays, a claim of 1 s and a broker that takes 50 ms a publish: one batch of
    60 rows would take 3 s. The relay holding it stops halfway through its claim and
    releases the rest; the other relay, polling often, never finds a row whose claim ran
    out while it is still being published."""
    RECEIVED.clear()
    url, engine = producer_db
    start_service(Consumer, config)
    fast = {**config, "DB_URL": url, "RELAY_CLAIM_S": 1, "RELAY_INTERVAL_S": 0.05}
    producers = [start_service(Producer, fast) for _ in range(2)]
    stores = [get_extension(producer, Store) for producer in producers]
    for store in stores:
        store.publisher = SlowPublisher(store.publisher, 0.05)
    with unit_of_work(engine, "producer", outbox) as uow:
        emitted = [uow.emit(ThingHappened(x=x), actor="account-1")["event_id"] for x in range(60)]
    stores[0].kick()

    wait_until(
        lambda: len(select_all(engine, outbox, outbox.c.sent_at.is_not(None))) == len(emitted),
        timeout=30,
        message="every row marked sent",
    )
    wait_until(lambda: len(RECEIVED) >= len(emitted), message="every event")
    received = [event["event_id"] for event in RECEIVED]
    assert sorted(received) == sorted(emitted)  # none twice
    RECEIVED.clear()


def test_the_claim_picks_its_rows_once_in_a_materialized_cte(pg_url, engines):
    """PostgreSQL may evaluate a subquery in `IN (...)` more than once (each time
    locking other rows); a MATERIALIZED CTE it evaluates exactly once."""
    engine = engines(pg_url)
    producer_metadata.create_all(engine)
    store = Store(producer_metadata)
    store.settings = StoreSettings(relay_claim_s=60)
    compiled = store.claim_statement(datetime.now(UTC), 100).compile(dialect=engine.dialect)
    assert "WITH picked AS MATERIALIZED" in compiled.string
    with engine.connect() as connection:
        plan = [
            line
            for (line,) in connection.exec_driver_sql("EXPLAIN " + compiled.string, compiled.params)
        ]
    assert any("CTE picked" in line for line in plan), plan


def test_sent_rows_older_than_the_keep_time_are_pruned(producer_db):
    """An event's payload may name a person: a sent row goes after OUTBOX_KEEP_S; a
    newer sent row and an unsent one of any age stay."""
    _url, engine = producer_db
    store = Store(producer_metadata)
    store.engine = engine
    store.settings = StoreSettings(outbox_keep_s=3600)
    now = datetime.now(UTC)
    ages = {"old-sent": (now - timedelta(hours=2), True), "new-sent": (now, True)}
    ages["old-unsent"] = (now - timedelta(days=30), False)
    with engine.begin() as connection:
        for row_id, (moment, sent) in ages.items():
            connection.execute(
                outbox.insert().values(
                    id=row_id,
                    kind="event",
                    exchange="producer.events",
                    routing_key="thing_happened",
                    payload='{"email": "ann@example.org"}',
                    created_at=moment,
                    next_attempt_at=moment,
                    sent_at=moment if sent else None,
                    attempts=0,
                )
            )
    assert store.prune_outbox(batch=1) == 1
    assert sorted(row.id for row in select_all(engine, outbox)) == ["new-sent", "old-unsent"]
    assert store.prune_outbox() == 0  # again, or by a second instance: nothing more


def test_a_killed_service_leaves_the_scrape_and_holds_no_connection(config, running):
    """A container that dies is killed, not stopped: its store must leave the metrics
    scrape then too, or every later scrape in the process reconnects to its database
    (in the suite, one idle connection per finished test until PostgreSQL refused more)."""
    producer, consumer, engine = running
    store = get_extension(producer, Store)
    assert store in metrics.STORES
    pool = store.engine.pool  # dispose() puts a new pool in its place
    producer.kill()
    assert store not in metrics.STORES and store._relay_thread.dead
    generate_latest(REGISTRY)
    assert pool.checkedin() == 0 and pool.checkedout() == 0
    assert store.engine.pool.checkedin() == 0 and store.engine.pool.checkedout() == 0
