"""One RabbitMQ user per part (deploy.broker_accounts, docs/operations.md "Broker
accounts"): each may use its own queues and no other part's, on a vhost of its own."""

import os
import stat
import subprocess
import sys

import amqp.exceptions
import pytest
from kombu import Connection, Exchange, Queue

from deploy import broker_accounts
from deploy.broker_accounts import PARTS, Admin, set_up
from services.common.topology import consumer_queues, load_service
from tests.conftest import RABBIT_MANAGEMENT

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
RPC = Exchange("nameko-rpc", type="topic", durable=True)


def admin_env(amqp_uri):
    return {
        "AMQP_URI": amqp_uri,
        "RABBITMQ_ADMIN_USER": "guest",
        "RABBITMQ_ADMIN_PASSWORD": "guest",
        "RABBITMQ_MANAGEMENT_URL": RABBIT_MANAGEMENT,
    }


@pytest.fixture
def accounts(amqp_uri, tmp_path):
    """The parts' users on a fresh vhost, the RPC queues declared as the services
    would. -> {part: AMQP URI}; the users are deleted afterwards."""
    admin = Admin.from_env(admin_env(amqp_uri))
    try:
        uris = set_up(admin, tmp_path, env={})
        with Connection(amqp_uri) as connection:
            channel = connection.channel()
            for service in PARTS[:-1]:
                Queue(f"rpc-{service}", RPC, routing_key=f"{service}.*", durable=True)(
                    channel
                ).declare()
        yield uris
    finally:
        broker_accounts.remove(admin, tmp_path)


def refused(uri, action):
    """-> True when the broker refuses `action(channel)` with ACCESS_REFUSED."""
    with Connection(uri) as connection:
        channel = connection.channel()
        try:
            action(channel)
            channel.basic_qos(0, 1, False)  # a round trip: a refused publish shows here
        except amqp.exceptions.AccessRefused:
            return True
        return False


def consume(queue_name):
    def action(channel):
        channel.basic_consume(queue_name, callback=lambda message: None)

    return action


def get(queue_name):
    return lambda channel: channel.basic_get(queue_name)


def declare(queue_name, **options):
    options.setdefault("auto_delete", False)
    return lambda channel: channel.queue_declare(queue_name, durable=True, **options)


def durable_queues(service):
    return [queue.name for queue in consumer_queues(load_service(service))]


def test_a_service_is_refused_on_another_services_queues(accounts):
    dossier = accounts["dossier"]
    assert refused(dossier, consume("rpc-identity"))
    assert refused(dossier, get("rpc-identity"))
    notify_event_queue = durable_queues("notify")[0]
    assert notify_event_queue.startswith("evt-identity-")
    assert refused(dossier, consume(notify_event_queue))
    assert refused(dossier, consume("notify.commands"))
    # identity sends notify its commands but may not read them, neither from their queue
    # nor by binding a queue of its own to kluis.commands (a direct exchange: no topic
    # permissions), nor declare or delete notify's queue
    for sender in ("identity", "dossier", "signing"):
        assert refused(accounts[sender], consume("notify.commands")), sender
        assert refused(
            accounts[sender], bind(f"rpc.reply-{sender}-{REPLY_KEY}", "kluis.commands", "notify")
        ), sender
        assert refused(accounts[sender], declare("notify.commands")), sender
        assert refused(accounts[sender], lambda channel: channel.queue_delete("notify.commands")), (
            sender
        )
    # and nobody deletes what is not theirs
    assert refused(dossier, lambda channel: channel.queue_delete("rpc-identity"))
    for exchange in ("kluis.commands", "identity.events"):  # documents uses neither
        assert refused(accounts["documents"], lambda channel: channel.exchange_delete(exchange))


def test_the_gateway_consumes_and_declares_no_service_queue(accounts):
    gateway = accounts["gateway"]
    service_queues = [f"rpc-{service}" for service in PARTS[:-1]] + [
        name for service in PARTS[:-1] for name in durable_queues(service)
    ]
    for name in service_queues:
        assert refused(gateway, consume(name)), name
    assert refused(gateway, declare("rpc-identity"))
    assert refused(gateway, declare("gateway-tap"))
    assert refused(
        gateway,
        lambda channel: channel.basic_publish(
            amqp.Message("{}"), exchange="kluis.commands", routing_key="notify"
        ),
    )


REPLY_KEY = "0b0f9a0e-6e0c-4a4e-9a55-0e5c7a3f2d11"


def bind(queue_name, exchange, routing_key, **options):
    """Declare the part's own queue `queue_name` and bind it."""
    options.setdefault("auto_delete", True)
    return lambda channel: (
        channel.queue_declare(queue_name, **options),
        channel.queue_bind(queue_name, exchange, routing_key),
    )


def test_no_part_taps_messages_meant_for_another(accounts):
    """Binding its own queue with another's routing key would copy it others' calls
    or events: the topic permissions refuse it, as calls it does not make."""
    gateway_reply = f"rpc.reply-gateway-{REPLY_KEY}"
    for key in (
        "identity.*",
        "identity.login",
        "#",
        "*.*",
        REPLY_KEY,
        f"reply-dossier-{REPLY_KEY}",
    ):
        assert refused(accounts["gateway"], bind(gateway_reply, "nameko-rpc", key)), key
    notify_reply = f"rpc.reply-notify-{REPLY_KEY}"
    for key in ("identity.*", f"reply-gateway-{REPLY_KEY}"):  # others' calls and answers
        assert refused(accounts["notify"], bind(notify_reply, "nameko-rpc", key)), key
    dossier_queue = durable_queues("dossier")[0]
    assert refused(
        accounts["dossier"],
        bind(
            dossier_queue,
            dossier_queue.split("-")[1] + ".events",
            "#",
            durable=True,
            auto_delete=False,
        ),
    )
    assert refused(
        accounts["notify"],
        lambda channel: channel.basic_publish(
            amqp.Message("{}"), exchange="nameko-rpc", routing_key="identity.login"
        ),
    )
    assert refused(
        accounts["gateway"],
        lambda channel: channel.basic_publish(
            amqp.Message("{}"), exchange="nameko-rpc", routing_key=REPLY_KEY
        ),
    )


def test_each_part_may_use_what_it_must(accounts):
    for service in PARTS[:-1]:
        uri = accounts[service]
        assert not refused(uri, declare(f"rpc-{service}")), service
        assert not refused(uri, consume(f"rpc-{service}")), service
        for name in durable_queues(service):
            assert not refused(uri, consume(name)), name
        reply = f"rpc.reply-{service}-{REPLY_KEY}"
        assert not refused(
            uri,
            lambda channel: (
                bind(reply, "nameko-rpc", f"reply-{service}-{REPLY_KEY}")(channel),
                channel.basic_consume(reply, callback=lambda message: None),
                channel.basic_publish(
                    amqp.Message("{}"), exchange="nameko-rpc", routing_key=REPLY_KEY
                ),
            ),
        ), service
    assert not refused(
        accounts["gateway"],
        lambda channel: channel.basic_publish(
            amqp.Message("{}"), exchange="nameko-rpc", routing_key="identity.login"
        ),
    )
    dossier_queue = durable_queues("dossier")[0]
    source, event = dossier_queue.split("--")[0].split("-", 2)[1:]
    assert not refused(
        accounts["dossier"],
        bind(dossier_queue, f"{source}.events", event, durable=True, auto_delete=False),
    )
    assert not refused(
        accounts["identity"],
        lambda channel: channel.basic_publish(
            amqp.Message("{}"), exchange="kluis.commands", routing_key="notify"
        ),
    )


def test_the_set_up_keeps_passwords_to_itself(amqp_uri, tmp_path):
    env = {**os.environ, **admin_env(amqp_uri), "KLUIS_VAR": str(tmp_path), "PYTHONPATH": ROOT}

    def run(*args):
        result = subprocess.run(
            [sys.executable, "-m", "deploy.broker_accounts", *args],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert result.returncode == 0, result.stderr
        return result.stdout + result.stderr

    store = tmp_path / broker_accounts.STORE_NAME
    admin = Admin.from_env(env)
    try:
        output = run()
        first = broker_accounts.part_uris(admin, tmp_path)
        assert stat.S_IMODE(store.stat().st_mode) == 0o600
        for part, uri in first.items():
            password = uri.split(":")[2].split("@")[0]
            assert password not in output and len(password) >= 32
            assert f"{part}: amqp://{broker_accounts.user_name(part, admin.vhost)}:***@" in output
        run()
        assert broker_accounts.part_uris(admin, tmp_path) == first  # a rerun keeps them
        run("--rotate")
        rotated = broker_accounts.part_uris(admin, tmp_path)
        assert set(rotated.values()).isdisjoint(first.values())
        with Connection(rotated["notify"]) as connection:
            connection.ensure_connection(max_retries=1)
        with pytest.raises(Exception, match="ACCESS_REFUSED|credentials"):
            with Connection(first["notify"]) as connection:
                connection.ensure_connection(max_retries=1)
    finally:
        broker_accounts.remove(admin, tmp_path)


def test_the_set_up_explains_missing_credentials(amqp_uri, tmp_path):
    env = {
        **os.environ,
        "AMQP_URI": amqp_uri,
        "KLUIS_VAR": str(tmp_path),
        "PYTHONPATH": ROOT,
        "RABBITMQ_ADMIN_USER": "guest",
    }
    env.pop("RABBITMQ_ADMIN_PASSWORD", None)
    result = subprocess.run(
        [sys.executable, "-m", "deploy.broker_accounts"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert "RABBITMQ_ADMIN_PASSWORD" in result.stderr
    env["RABBITMQ_ADMIN_PASSWORD"] = "wrong"
    result = subprocess.run(
        [sys.executable, "-m", "deploy.broker_accounts"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2 and "refused the admin's credentials" in result.stderr
    assert "wrong" not in result.stderr
