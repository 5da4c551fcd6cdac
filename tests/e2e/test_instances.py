"""Two instances of every service and of the gateway, on PostgreSQL (issue #16): what
must happen once happens once - each e-mail sent once (the invitation, a signing
reminder), a request expires once, each upload is stored once - and every instance
takes its share of the calls. Each gateway sends file bytes to its own documents
instance's blob endpoint, as a replica beside each gateway would run."""

import time
from collections import Counter

import pytest
import sqlalchemy as sa
from kombu import Connection, Exchange, Queue, binding
from sqlalchemy.pool import NullPool

from deploy.processes import free_port
from deploy.system import SERVICES
from services.common.unit_of_work import COMMAND_EXCHANGE
from tests import samples
from tests.systems import start_replica

from .conftest import Client, Kluis, start_system
from .test_documents import blob_files, upload, wait_until
from .test_signing import _signing_case


@pytest.fixture(scope="module")
def twins(tmp_path_factory, vhosts, databases):
    """-> (the system as a Kluis, through its first gateway; the second gateway's API
    URL; {service: engine on its database}; the ids of the outbox rows relayed before
    the test, some perhaps before the spy queue was there)"""
    urls = {name: databases.create(f"twins_{name}") for name in SERVICES}
    system = start_system(
        tmp_path_factory,
        vhosts,
        "twins",
        SIGNING_REQUEST_TTL_S="8",
        SIGNING_REMINDER_BEFORE_S="6",
        SIGNING_CHECK_INTERVAL_S="1",
        **{f"{name.upper()}_DB_URL": url for name, url in urls.items()},
    )
    _declare_spy(system.env["AMQP_URI"])  # before any replica relays
    engines = {name: sa.create_engine(url, poolclass=NullPool) for name, url in urls.items()}
    try:
        blob, verify, web = (f"127.0.0.1:{free_port()}" for _ in range(3))
        own = {
            "documents": {"DOCUMENTS_BLOB_ADDRESS": blob},
            "signing": {"SIGNING_VERIFY_ADDRESS": verify},
        }
        for part in SERVICES:
            start_replica(system, part, f"{part}-2", **own.get(part, {}))
        start_replica(
            system,
            "gateway",
            "gateway-2",
            WEB_SERVER_ADDRESS=web,
            DOCUMENTS_BLOB_ADDRESS=blob,
            SIGNING_VERIFY_ADDRESS=verify,
        )
        kluis = Kluis(system)
        second = f"http://127.0.0.1:{web.rsplit(':', 1)[1]}/api/v1"
        for name in SERVICES:  # both instances up: each answers some health calls
            _instances_answering(kluis, name, timeout=90)
        wait_until(lambda: _healthy(second), timeout=60)
        wait_until(lambda: _settled(engines), timeout=30)
        yield kluis, second, engines, set(_outbox_ids(engines))
    finally:
        system.stop_all()
        for engine in engines.values():
            engine.dispose()


# A copy of every event and command published: how often each was relayed.
SPY = Queue(
    "twins-spy",
    durable=False,
    bindings=[
        *(
            binding(Exchange(f"{name}.events", type="topic", durable=True), routing_key="#")
            for name in SERVICES
        ),
        *(binding(COMMAND_EXCHANGE, routing_key=name) for name in SERVICES),
    ],
)


def _declare_spy(amqp_uri):
    with Connection(amqp_uri) as connection:
        SPY(connection.default_channel).declare()


def _relayed(amqp_uri):
    """-> Counter {message id: how many times it was published}, draining the spy."""
    published = Counter()
    with Connection(amqp_uri) as connection:
        queue = connection.SimpleQueue(SPY)
        try:
            while True:
                message = queue.get(timeout=1)
                published[message.payload.get("event_id") or message.payload.get("message_id")] += 1
                message.ack()
        except queue.Empty:
            return published
        finally:
            queue.close()


def _outbox_ids(engines):
    ids = []
    for engine in engines.values():
        with engine.connect() as connection:
            ids += connection.scalars(sa.text("SELECT id FROM outbox")).all()
    return ids


def _healthy(api):
    try:
        return Client(api).get("/health", timeout=5).status_code == 200
    except OSError:
        return False


def _instances_answering(kluis, service, timeout=30):
    """Asks `service` over the bus until two instances have answered. -> {instance:
    how many of the calls it answered}"""
    answered = Counter()
    deadline = time.monotonic() + timeout
    with kluis.rpc() as rpc:
        while len(answered) < 2 or sum(answered.values()) < 20:
            kluis.system.check_alive()
            assert time.monotonic() < deadline, f"{service}: only {dict(answered)} answered"
            answered[getattr(rpc, service).health()["instance"]] += 1
    return answered


def _settled(engines):
    """Every outbox row of every service relayed, every notification delivered."""
    with engines["notify"].connect() as connection:
        if connection.scalar(
            sa.text(
                "SELECT count(*) FROM notifications WHERE status IN "
                "('created', 'sending', 'temporary-failure')"
            )
        ):
            return False
    for engine in engines.values():
        with engine.connect() as connection:
            if connection.scalar(sa.text("SELECT count(*) FROM outbox WHERE sent_at IS NULL")):
                return False
    return True


def test_every_instance_serves_and_what_must_happen_once_happens_once(twins):
    kluis, second_api, engines, relayed_before = twins
    # through the first gateway: an office, its owner, a client invited and activated
    # (invitation e-mail, two more), a dossier and a PDF in it
    case = _signing_case(kluis)
    staff, client = case["staff"], case["client"]
    via_second = Client(second_api, staff.session.headers["Authorization"].split()[1])
    # uploads through both gateways, so through both documents instances' endpoints
    for index, who in enumerate([staff, via_second] * 3):
        response = upload(
            who,
            case["dossier"]["id"],
            samples.pdf(f"Bijlage {index}"),
            name=f"bijlage-{index}.pdf",
            public=False,
        )
        assert response.status_code == 201, response.text
    # a signing request offered through the second gateway: reminded, then expired
    offered = via_second.post(
        f"/documents/{case['document']['id']}/signing-requests", json={"signer_id": client["id"]}
    )
    assert offered.status_code == 201, offered.text
    wait_until(
        lambda: staff.get("/signing-requests", params={"status": "expired"}).json()["items"],
        timeout=40,
    )
    wait_until(lambda: _settled(engines), timeout=30)

    # each event and command relayed once, by one of its service's two relays
    published = _relayed(kluis.system.env["AMQP_URI"])
    assert [key for key, times in published.items() if times > 1] == []
    assert set(published) - relayed_before == set(_outbox_ids(engines)) - relayed_before

    mails = kluis.mail.messages(client["email"])
    ids = [m["Message-ID"] for m in mails]
    assert len(set(ids)) == len(ids), "an e-mail was sent twice"
    subjects = Counter(m["Subject"] for m in mails)
    assert subjects[mails[0]["Subject"]] == 1  # the invitation, once
    reminders = [s for s in subjects if s.startswith(("Reminder", "Herinnering"))]
    assert len(reminders) == 1 and subjects[reminders[0]] == 1
    with engines["signing"].connect() as connection:
        assert (
            connection.scalar(
                sa.text("SELECT count(*) FROM outbox WHERE routing_key = 'signature_expired'")
            )
            == 1
        )
        assert (
            connection.scalar(
                sa.text("SELECT count(*) FROM signing_requests WHERE reminded_at IS NOT NULL")
            )
            == 1
        )
    # each upload stored once: one document, one blob file, one attached upload each
    with engines["documents"].connect() as connection:
        names = connection.scalars(sa.text("SELECT blob_name FROM documents")).all()
        attached = connection.scalar(
            sa.text("SELECT count(*) FROM uploads WHERE status = 'attached'")
        )
    assert len(names) == len(set(names)) == attached == 7
    assert sorted(p.name for p in blob_files(kluis)) == sorted(names)

    # every instance of every service answers its share of the calls
    for name in SERVICES:
        answered = _instances_answering(kluis, name)
        assert len(answered) == 2 and min(answered.values()) >= 3, (name, answered)
