"""Signing's timer with two instances on one database: a due reminder is sent once and
a request past its time expires once, however the instances' rounds meet (each round
runs under the timer's lease, and reads the rows the previous round committed)."""

from datetime import timedelta

import eventlet
import pytest
from kombu import Connection
from nameko.testing.services import entrypoint_hook
from sqlalchemy import event
from sqlalchemy.engine import Engine

from services.common.db import utcnow
from services.common.migrate import upgrade
from services.common.unit_of_work import command_queue, unit_of_work
from services.signing import offers
from services.signing.models import SigningRequest, metadata
from services.signing.service import SigningService

from .conftest import free_port
from .kit import select_all, wait_until
from .test_signing_rules import FIELD_CONFIG, SEALING, STAFF

outbox = metadata.tables["outbox"]


def _offer(engine, ttl):
    document = {
        "id": "doc-1",
        "dossier_id": "dos-1",
        "office_id": "office-a",
        "title": "Koopakte",
        "sha256": "ab" * 32,
    }
    signer = {
        "client_id": "cli-1",
        "account_id": "acc-jan",
        "name": "Jan Jansen",
        "email": "jan@voorbeeld.nl",
        "language": "nl",
        "office_name": "Kantoor A",
        "dossier_number": "D-1",
    }
    with unit_of_work(engine, "signing", outbox, SEALING) as uow:
        return offers.offer(uow, STAFF, document, signer, ttl, "http://portaal")["id"]


@pytest.fixture
def signing_pair(config, make_db_url, engines, start_service, tmp_path, monkeypatch):
    """-> (two started signing instances on one database, its engine)"""
    monkeypatch.setenv("KLUIS_VAR", str(tmp_path / "var"))
    url = make_db_url("signing")
    upgrade("signing", url)
    engine = engines(url)
    instances = [
        start_service(
            SigningService,
            {
                **config,
                **FIELD_CONFIG,
                "DB_URL": url,
                "KLUIS_PUBLIC_URL": "http://portaal",
                "SIGNING_REMINDER_BEFORE_S": 3 * 86400,
                "WEB_SERVER_ADDRESS": f"127.0.0.1:{free_port()}",
            },
        )
        for _ in range(2)
    ]
    return instances, engine


def test_a_reminder_and_an_expiry_happen_once(signing_pair, amqp_uri):
    instances, engine = signing_pair
    reminded = _offer(engine, timedelta(days=1))  # within the reminder's three days
    expiring = _offer(engine, timedelta(days=1))
    with unit_of_work(engine, "signing", outbox, SEALING) as uow:
        uow.session.get(SigningRequest, expiring).expires_at = utcnow() - timedelta(seconds=1)
    offered = {row.id for row in select_all(engine, outbox)}

    def rounds(instance):
        with entrypoint_hook(instance, "expire_and_remind") as round_:
            for _ in range(5):
                round_()
                eventlet.sleep(0)

    pool = eventlet.GreenPool()
    for instance in instances:  # both instances' timers, their rounds interleaved
        pool.spawn(rounds, instance)
        pool.spawn(rounds, instance)
    pool.waitall()

    new = [row for row in select_all(engine, outbox) if row.id not in offered]
    assert sorted((row.kind, row.routing_key) for row in new) == [
        ("command", "notify"),
        ("event", "signature_expired"),
    ]
    with unit_of_work(engine, "signing", outbox, SEALING) as uow:
        assert uow.session.get(SigningRequest, reminded).reminded_at is not None
        assert uow.session.get(SigningRequest, expiring).status == "expired"
    # each relayed once, by one of the two relays: notify's queue holds the offer's
    # e-mail and the reminder, once each
    wait_until(
        lambda: all(row.sent_at for row in select_all(engine, outbox)), message="every row relayed"
    )
    assert sorted(_drain_commands(amqp_uri)) == sorted(
        row.id for row in select_all(engine, outbox, outbox.c.kind == "command")
    )


@pytest.fixture
def slow_reads():
    """Every read of signing_requests hands the event loop on before it returns (as a
    slow database or another process would): two rounds that start together then both
    read before either writes. Only the lease keeps the second from running: the rows
    it read were still due, and on SQLite nothing re-checks them when it writes."""

    def hand_on(connection, cursor, statement, *_):
        if statement.lstrip().upper().startswith("SELECT") and "signing_requests" in statement:
            eventlet.sleep(0.01)

    event.listen(Engine, "after_cursor_execute", hand_on)
    yield
    event.remove(Engine, "after_cursor_execute", hand_on)


def test_two_rounds_that_meet_mid_read_send_one_reminder(signing_pair, slow_reads):
    instances, engine = signing_pair
    reminded = _offer(engine, timedelta(days=1))  # within the reminder's three days
    offered = {row.id for row in select_all(engine, outbox)}

    def round_(instance):
        with entrypoint_hook(instance, "expire_and_remind") as run:
            run()

    pool = eventlet.GreenPool()
    for instance in instances:  # one round of each instance, at the same moment
        pool.spawn(round_, instance)
    pool.waitall()

    new = [
        (row.kind, row.routing_key) for row in select_all(engine, outbox) if row.id not in offered
    ]
    assert new == [("command", "notify")]  # one reminder
    with unit_of_work(engine, "signing", outbox, SEALING) as uow:
        assert uow.session.get(SigningRequest, reminded).reminded_at is not None


def _drain_commands(amqp_uri):
    ids = []
    with Connection(amqp_uri) as connection:
        queue = connection.SimpleQueue(command_queue("notify"))
        try:
            while True:
                message = queue.get(timeout=0.5)
                ids.append(message.payload["message_id"])
                message.ack()
        except queue.Empty:
            return ids
        finally:
            queue.close()
