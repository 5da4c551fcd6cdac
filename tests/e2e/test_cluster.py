"""Issue #16, "Operations at scale": Kluis on a three-node RabbitMQ cluster of its own
(tests/cluster.py; durable queues classic mirrored by a policy) keeps what it accepted
when the node that everything is connected to, and that holds the queue masters, is
stopped in the middle of a stream of password-reset e-mails and uploads: each accepted
request has its effect exactly once, a refused one at most once, and the system
answers /health 200 again within a bound. docs/operations.md, "RabbitMQ cluster"."""

import hashlib
import json
import time
import uuid

import pytest
import requests
from kombu import Connection, Exchange, Queue

from tests.cluster import rabbit_available, rabbit_cluster
from tests.systems import Kluis, start_system

from .staff_app import Office
from .test_clients import _client

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not rabbit_available(), reason="rabbitmq-server is not installed on this machine"
    ),
]

REQUESTS = 40  # password resets and uploads, in turns
STOP_AT = 12  # the node goes after this many
HEALTHY_AGAIN_S = 90  # /health answers 200 again within this many seconds


@pytest.fixture(scope="module")
def cluster():
    with rabbit_cluster() as started:
        yield started


def test_the_three_nodes_form_one_cluster_and_mirror_kluis_queues(cluster):
    cluster.start_stopped_nodes()  # the node-stop test may have run first
    deadline = time.monotonic() + 60
    while len(cluster.running_nodes(via=2)) < 3:
        assert time.monotonic() < deadline, cluster.running_nodes(via=2)
        time.sleep(0.2)
    with Connection(cluster.amqp_uri()) as connection:
        for name in ("rpc-probe", "evt-probe--x", "probe.commands", "reply-probe"):
            Queue(
                name,
                Exchange("probe", type="topic"),
                "x",
                durable=not name.startswith("reply"),
                auto_delete=name.startswith("reply"),
            )(connection.channel()).declare()
    rows = json.loads(cluster.ctl(0, "list_queues", "name", "policy", "--formatter", "json"))
    policies = {row["name"]: row["policy"] for row in rows}
    for name in ("rpc-probe", "evt-probe--x", "probe.commands"):
        assert policies[name] == "kluis-mirrored"
    assert not policies["reply-probe"]  # replies are not mirrored
    # Mirrors on the two other nodes, synchronised (ha-sync-mode automatic).
    cluster.wait_in_sync(timeout=30)


class OneVhost:
    """The cluster in the place of tests.conftest.Vhosts (start_system's broker)."""

    def __init__(self, uri):
        self.uri = uri

    def create(self, label):
        return self.uri


@pytest.fixture(scope="module")
def cluster_kluis(cluster, tmp_path_factory):
    system = start_system(tmp_path_factory, OneVhost(cluster.amqp_uri()), "cluster")
    yield Kluis(system)
    system.stop_all()


def _warnings(kluis, last=12):
    """The last warnings and errors each part logged (what a failure message shows)."""
    found = {}
    for log in sorted(kluis.system.log_dir.glob("*.log")):
        lines = [
            line[:300]
            for line in log.read_text().splitlines()
            if " WARNING " in line or " ERROR " in line
        ]
        if lines:
            found[log.stem] = lines[-last:]
    return found


def attempt(call):
    """-> the response, or None where the request was not answered at all."""
    try:
        return call()
    except requests.RequestException:
        return None


def test_a_node_stopped_mid_stream_loses_nothing_accepted_and_does_nothing_twice(
    cluster, cluster_kluis
):
    kluis = cluster_kluis
    office = Office(kluis, kluis.admin())
    staff = office.staffed("owner")[1]
    client = _client(staff, office)
    dossier = staff.post(
        f"/clients/{client['id']}/dossiers",
        json={"number": "D-1", "description": "Hypotheek Kerkstraat 4"},
    ).json()
    addresses = [kluis.create_client() for _ in range(REQUESTS // 2)]

    # The node to stop is the one the parts are connected to and that holds the masters.
    first = cluster.nodes[0].name
    assert cluster.ctl(0, "list_connections", "--silent", "name").strip()
    # (The text form names the master's node in its pid; the JSON form does not.)
    masters = cluster.ctl(0, "list_queues", "--silent", "name", "pid").splitlines()
    commands = [line for line in masters if line.split("\t")[0].endswith(".commands")]
    assert commands and all(first in line for line in commands), masters
    # Each queue it leads has a mirror in sync elsewhere (as before any planned stop).
    cluster.wait_in_sync()

    accepted_mail, refused_mail, accepted_docs, refused_titles = [], [], {}, []
    accepted_after = 0
    for i in range(REQUESTS):
        if i == STOP_AT:
            cluster.stop_node(0)  # first in every part's AMQP_URI, and the queue masters'
        if i % 2 == 0:
            address = addresses[i // 2]
            response = attempt(
                lambda: kluis.client().post("/auth/password/forgot", json={"email": address})
            )
            ok = response is not None and response.status_code == 202
            if ok:
                accepted_mail.append(address)
            else:  # with the status answered, for the assertion's message
                refused_mail.append(
                    (address, response.status_code) if response is not None else (address,)
                )
            accepted_after += ok and i > STOP_AT
        else:
            title, content = f"stuk-{i}", f"Kluis cluster upload {i} {uuid.uuid4()}".encode()
            response = attempt(
                lambda: staff.post(
                    f"/dossiers/{dossier['id']}/documents",
                    data={"category": "document", "title": title},
                    files={"file": (f"{title}.txt", content, "text/plain")},
                )
            )
            if response is not None and response.status_code == 201:
                accepted_docs[response.json()["id"]] = hashlib.sha256(content).hexdigest()
                accepted_after += i > STOP_AT
            else:  # with what was answered, for the assertion's message
                refused_titles.append(
                    (title, response.status_code, response.text[:200])
                    if response is not None
                    else (title,)
                )

    # Answering again within the bound.
    deadline = time.monotonic() + HEALTHY_AGAIN_S
    while (
        attempt(lambda: requests.get(kluis.base_url + "/health", timeout=10)) or requests.Response()
    ).status_code != 200:
        assert time.monotonic() < deadline, f"/health not 200 within {HEALTHY_AGAIN_S} s"
        time.sleep(0.5)

    # Most of the stream was accepted, after the stop too: a few refusals at most, while
    # the parts fail over.
    def why():  # asked only when an assertion fails (rabbitmqctl, every log read)
        return refused_mail, refused_titles, cluster.unsynchronised(via=1), _warnings(kluis)

    assert len(accepted_mail) + len(accepted_docs) >= REQUESTS - 10, why()
    assert accepted_after >= (REQUESTS - STOP_AT) // 2, why()
    assert cluster.running_nodes(via=1) == sorted(n.name for n in cluster.nodes[1:])

    # Every accepted reset e-mail arrives exactly once; a refused one at most once.
    for address in accepted_mail:
        kluis.mail.wait_for(address, timeout=90)
    for address in accepted_mail:
        assert len(kluis.mail.messages(address)) == 1, address
    for address, *_answer in refused_mail:
        assert len(kluis.mail.messages(address)) <= 1, address

    # Every accepted upload is listed once and comes back with its sha256.
    listed = staff.get(f"/dossiers/{dossier['id']}/documents", params={"limit": 100}).json()
    items = listed["items"]
    ids = [item["id"] for item in items]
    assert len(ids) == len(set(ids))
    titles = [item.get("title") or item["name"] for item in items]
    assert len(titles) == len(set(titles)), titles
    for document_id, sha256 in accepted_docs.items():
        assert document_id in ids
        body = staff.get(f"/documents/{document_id}/content")
        assert body.status_code == 200 and hashlib.sha256(body.content).hexdigest() == sha256
