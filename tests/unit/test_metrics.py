"""services/common/metrics.py: what the parts count, and the address they serve it on."""

import socket
from datetime import timedelta
from types import SimpleNamespace

import eventlet
import pytest
import requests
import sqlalchemy as sa
from prometheus_client import REGISTRY

from services.common import metrics
from services.common.db import utcnow
from services.common.plumbing import plumbing_tables


class FakeStore(SimpleNamespace):
    """What the collector reads of a Store (services/common/store.py)."""

    __hash__ = object.__hash__


def sample(name, **labels):
    return REGISTRY.get_sample_value(name, labels) or 0.0


def test_http_requests_are_counted_by_route_template_and_an_odd_method_as_other():
    labels = {"method": "GET", "route": "/api/v1/unit/<thing_id>", "status": "200"}
    before = sample("kluis_http_requests_total", **labels)
    metrics.observe_http("GET", "/api/v1/unit/<thing_id>", 200, 0.01)
    metrics.observe_http("GET", "/api/v1/unit/<thing_id>", 200, 0.02)
    assert sample("kluis_http_requests_total", **labels) - before == 2
    metrics.observe_http("BREW", "unmatched", 404, 0.001)
    assert sample("kluis_http_requests_total", method="other", route="unmatched", status="404") >= 1
    assert sample("kluis_http_request_seconds_count", method="BREW", route="unmatched") == 0


@pytest.mark.parametrize("address", ["9100", ":9100", "localhost:", "host:port", "h:70000"])
def test_a_bad_metrics_address_is_refused_clearly(address):
    with pytest.raises(ValueError, match="METRICS_ADDRESS must be host:port"):
        metrics.parse_address(address)


def test_parse_address():
    assert metrics.parse_address("127.0.0.1:9100") == ("127.0.0.1", 9100)
    assert metrics.parse_address("[::1]:9100") == ("::1", 9100)


def test_metrics_are_served_on_an_ipv6_address():
    with socket.socket(socket.AF_INET6) as probe:  # a port free on ::1
        probe.bind(("::1", 0))
        port = probe.getsockname()[1]
    server = metrics.MetricsServer(f"[::1]:{port}")
    server.start(eventlet.spawn)
    try:
        response = requests.get(f"http://[::1]:{port}/metrics", timeout=10)
        assert response.status_code == 200
        assert "kluis_http_requests_total" in response.text
    finally:
        server.stop()


def test_the_outbox_backlog_its_age_and_parked_messages_are_read_at_scrape_time():
    engine = sa.create_engine("sqlite://")
    meta = sa.MetaData()
    outbox, inbox = plumbing_tables(meta)
    meta.create_all(engine)
    store = FakeStore(engine=engine, outbox=outbox, inbox=inbox, service_name="unitsvc")
    metrics.STORES.add(store)
    try:
        assert sample("kluis_outbox_backlog", service="unitsvc") == 0
        assert sample("kluis_outbox_oldest_age_seconds", service="unitsvc") == 0
        now = utcnow()
        with engine.begin() as connection:
            for n, age_s in enumerate((120, 5)):
                connection.execute(
                    outbox.insert().values(
                        id=f"o{n}",
                        kind="event",
                        exchange="x",
                        routing_key="r",
                        payload="{}",
                        created_at=now - timedelta(seconds=age_s),
                        next_attempt_at=now,
                        attempts=0,
                    )
                )
            connection.execute(
                outbox.insert().values(
                    id="sent",
                    kind="event",
                    exchange="x",
                    routing_key="r",
                    payload="{}",
                    created_at=now - timedelta(hours=1),
                    next_attempt_at=now,
                    attempts=0,
                    sent_at=now,
                )
            )
            connection.execute(
                inbox.insert().values(
                    message_id="m1",
                    source="s",
                    payload="{}",
                    status="parked",
                    attempts=8,
                    received_at=now,
                    next_attempt_at=now,
                )
            )
        assert sample("kluis_outbox_backlog", service="unitsvc") == 2
        assert 119 <= sample("kluis_outbox_oldest_age_seconds", service="unitsvc") < 180
        assert sample("kluis_parked_messages", service="unitsvc") == 1
    finally:
        metrics.STORES.discard(store)
    assert REGISTRY.get_sample_value("kluis_parked_messages", {"service": "unitsvc"}) is None
