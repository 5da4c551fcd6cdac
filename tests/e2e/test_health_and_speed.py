"""Issue #15: health that a load balancer can call. GET /health (readiness) asks the
services once per HEALTH_CACHE_S however many probes arrive; GET /health/live asks no
one. The RPCs are counted where they land: RabbitMQ's own count of messages published
to each service's rpc queue (management API)."""

import signal
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from deploy.system import SERVICES
from tests.systems import Kluis, start_system

CACHE_S = 2
MANAGEMENT = "http://127.0.0.1:15672/api"
STATS_INTERVAL_S = 5.5  # RabbitMQ's collect_statistics_interval (5 s) and a little


@pytest.fixture(scope="module")
def cached_kluis(tmp_path_factory, vhosts):
    system = start_system(tmp_path_factory, vhosts, "health", HEALTH_CACHE_S=str(CACHE_S))
    yield Kluis(system)
    system.stop_all()


def published(kluis):
    """{service: messages published to rpc-<service> so far}, as RabbitMQ reports."""
    vhost = urllib.parse.urlparse(kluis.system.env["AMQP_URI"]).path.lstrip("/")
    counts = {}
    for name in SERVICES:
        queue = requests.get(
            f"{MANAGEMENT}/queues/{urllib.parse.quote(vhost, safe='')}/rpc-{name}",
            auth=("guest", "guest"),
            timeout=10,
        ).json()
        counts[name] = queue.get("message_stats", {}).get("publish", 0)
    return counts


def settled_counts(kluis):
    """The counts once RabbitMQ's statistics have caught up: one marker RPC to every
    service (sent after everything before it), seen in the statistics, then one more
    statistics interval so that every channel's figures are in."""
    before = published(kluis)
    with kluis.rpc() as rpc:
        for name in SERVICES:
            getattr(rpc, name).health()
    deadline = time.monotonic() + 30
    while any(published(kluis)[n] <= before[n] for n in SERVICES):
        assert time.monotonic() < deadline, "RabbitMQ's statistics did not catch up"
        time.sleep(0.5)
    time.sleep(STATS_INTERVAL_S)  # waiting for statistics, not a timing assertion
    return published(kluis)


def flood(kluis, path, count=50):
    """`count` concurrent GETs of `path`; -> (status codes, seconds the flood took)."""
    url = kluis.base_url + path

    def probe(_):
        return requests.get(url, timeout=30).status_code

    started = time.monotonic()
    with ThreadPoolExecutor(count) as pool:
        codes = list(pool.map(probe, range(count)))
    return codes, time.monotonic() - started


def test_a_flood_of_health_probes_costs_one_round_of_rpcs_per_interval(cached_kluis):
    before = settled_counts(cached_kluis)
    codes, took = flood(cached_kluis, "/health")
    live_codes, live_took = flood(cached_kluis, "/health/live")
    after = settled_counts(cached_kluis)
    assert codes == [200] * 50 and live_codes == [200] * 50
    rounds_allowed = int((took + live_took) // CACHE_S) + 1
    for name in SERVICES:
        # minus the marker RPC that settled_counts sent to every service
        asked = after[name] - before[name] - 1
        assert asked <= rounds_allowed, (name, asked, took)


def test_a_service_that_goes_down_shows_in_health_within_the_interval(cached_kluis):
    client = cached_kluis.client()
    assert client.get("/health").status_code == 200  # and now cached
    cached_kluis.system.stop("notify", signal.SIGKILL)
    try:
        stopped = time.monotonic()
        while True:
            response = client.get("/health")
            if response.status_code == 503:
                break
            assert time.monotonic() - stopped < CACHE_S + 3 + 2, (
                "still healthy"
            )  # + RPC timeout + slack
            time.sleep(0.2)
        assert response.json()["services"]["notify"] in ("timeout", "unavailable")
        assert response.json()["services"]["identity"] == "ok"
        assert client.get("/health/live").status_code == 200  # liveness asks no one
    finally:
        cached_kluis.system.start("notify")
        cached_kluis.system.wait_healthy(60)


def test_an_authenticated_read_makes_one_rpc(cached_kluis):
    """Once the gateway knows the caller's principal (and, for /me, the offices' names:
    gateway/office_facts.py), GET /me and GET /auth/session each cost one RPC to
    identity and none elsewhere."""
    from tests.e2e.staff_app import Office

    staff = Office(cached_kluis, cached_kluis.admin()).staffed("owner")[1]
    assert staff.get("/me").status_code == 200  # the principal and office names, once
    reads = 10
    before = settled_counts(cached_kluis)
    for _ in range(reads):
        assert staff.get("/me").json()["offices"][0]["name"]
        assert staff.get("/auth/session").status_code == 200
    after = settled_counts(cached_kluis)
    asked = {name: after[name] - before[name] - 1 for name in SERVICES}  # minus the marker
    # identity: one per read, and at most one activity report (ACTIVITY_WRITE_INTERVAL_S)
    assert 2 * reads <= asked["identity"] <= 2 * reads + 1, asked
    assert all(asked[name] == 0 for name in SERVICES if name != "identity"), asked
