"""Queues declared ahead of time (services.common.topology): an event published before
its consumer ever ran is kept for it; without the declaration it is lost (docs/nameko.md)."""

from urllib.parse import unquote, urlsplit

import pytest
import requests
from kombu import Connection
from nameko.standalone.rpc import ClusterRpcProxy
from nameko.testing.services import entrypoint_waiter

from services.common.topology import consumer_queues, declare_all

from .kit import RECEIVED, Consumer, Producer, producer_metadata, select_all, wait_until

outbox = producer_metadata.tables["outbox"]


@pytest.fixture
def producer(config, tmp_path, engines, start_service):
    """The producer running on SQLite, with no consumer started yet. -> its engine"""
    RECEIVED.clear()
    url = f"sqlite:///{tmp_path / 'producer.db'}"
    engine = engines(url)
    producer_metadata.create_all(engine)
    start_service(Producer, {**config, "DB_URL": url})
    yield engine
    RECEIVED.clear()


def publish_and_wait_sent(config, engine, x):
    with ClusterRpcProxy(config) as rpc:
        envelope = rpc.producer.make_thing(x)
    wait_until(
        lambda: select_all(
            engine, outbox, outbox.c.id == envelope["event_id"], outbox.c.sent_at.is_not(None)
        ),
        message="the event published and confirmed",
    )
    return envelope


def queue_names(amqp_uri):
    vhost = unquote(urlsplit(amqp_uri).path[1:])
    response = requests.get(
        f"http://127.0.0.1:15672/api/queues/{requests.utils.quote(vhost, '')}",
        auth=("guest", "guest"),
        timeout=10,
    )
    response.raise_for_status()
    return {q["name"]: q for q in response.json()}


def test_event_published_before_consumer_ever_ran_is_kept(
    config, amqp_uri, producer, start_service
):
    with Connection(amqp_uri) as connection:
        channel = connection.channel()
        for queue in consumer_queues(Consumer):
            queue(channel).declare()
    envelope = publish_and_wait_sent(config, producer, 5)

    consumer = start_service(Consumer, config, run=False)
    with entrypoint_waiter(consumer, "handle_thing_happened", timeout=10):
        consumer.start()  # would fail (PRECONDITION_FAILED) if declared differently
    assert [envelope] == RECEIVED


def test_event_published_before_any_queue_existed_is_lost(config, producer, start_service):
    """The reason for the declaration above: without it the broker drops the event,
    although the outbox has (rightly) marked it sent."""
    publish_and_wait_sent(config, producer, 1)
    consumer = start_service(Consumer, config)
    with entrypoint_waiter(consumer, "handle_thing_happened", timeout=10):
        later = publish_and_wait_sent(config, producer, 2)
    assert [later] == RECEIVED


def test_declare_all_declares_every_consumer_queue_of_the_real_services(amqp_uri):
    names = declare_all(amqp_uri)
    assert "notify.commands" in names
    declared = queue_names(amqp_uri)
    assert set(names) <= set(declared)
    assert all(declared[name]["durable"] and not declared[name]["auto_delete"] for name in names)
    assert declare_all(amqp_uri) == names  # idempotent: a deploy may run it every time
