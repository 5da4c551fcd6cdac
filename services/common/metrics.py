"""Prometheus metrics (docs/operations.md "Metrics and logs"). Each part serves its own
`/metrics` on `METRICS_ADDRESS` (config key; env `<PART>_METRICS_ADDRESS`, off when
empty), never on its public port: they are for the operator's network only. The same
listener answers `/ready` (200, or 503 while the part does not consume from the broker:
services.common.telemetry.consuming), the readiness probe of deploy/k8s.

Counting costs microseconds and nothing else: no RPC, no query per request. What lives
in a database (the outbox backlog, parked messages) is read when Prometheus scrapes,
by one cheap query per table (`STORES`)."""

import logging
import socket
from datetime import UTC

import eventlet
import eventlet.wsgi
from prometheus_client import REGISTRY, Counter, Gauge, Histogram, make_wsgi_app
from prometheus_client.core import GaugeMetricFamily
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from .db import utcnow

log = logging.getLogger(__name__)

LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30)

RPC_CALLS = Counter(
    "kluis_rpc_calls",
    "RPC calls a service answered, by method and outcome (ok: a "
    "result; refused: an expected error such as NotFound; error: a crash).",
    ["service", "method", "outcome"],
)
RPC_SECONDS = Histogram(
    "kluis_rpc_seconds",
    "Time a service took to answer an RPC call, by method.",
    ["service", "method"],
    buckets=LATENCY_BUCKETS,
)
HTTP_REQUESTS = Counter(
    "kluis_http_requests",
    "HTTP requests the gateway answered, by method, route template and status.",
    ["method", "route", "status"],
)
HTTP_SECONDS = Histogram(
    "kluis_http_request_seconds",
    "Time the gateway took to answer, by method and route "
    "template (a download's bytes stream after this).",
    ["method", "route"],
    buckets=LATENCY_BUCKETS,
)
UPLOADS_IN_FLIGHT = Gauge(
    "kluis_uploads_in_flight", "Large request bodies (uploads) being received now."
)
UPLOAD_BYTES = Counter("kluis_upload_bytes", "Bytes of uploaded files received.")
NOTIFICATIONS = Counter(
    "kluis_notifications",
    "E-mails and SMS messages sent or given up, by channel and "
    "status (delivered, temporary-failure, permanent-failure, ...).",
    ["channel", "status"],
)

HTTP_METHODS = frozenset(("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"))


# label values -> (counter, histogram) children: `labels()` costs more than the count
_rpc_children = {}
_http_children = {}


def observe_rpc(service, method, outcome, seconds):
    children = _rpc_children.get((service, method, outcome))
    if children is None:
        children = _rpc_children[service, method, outcome] = (
            RPC_CALLS.labels(service, method, outcome),
            RPC_SECONDS.labels(service, method),
        )
    children[0].inc()
    children[1].observe(seconds)


def observe_http(method, route, status, seconds):
    """`route`: the route's template (`/api/v1/offices/<office_id>`), never the raw path:
    ids in label values would make a series per id."""
    if method not in HTTP_METHODS:
        method = "other"
    children = _http_children.get((method, route, status))
    if children is None:
        children = _http_children[method, route, status] = (
            HTTP_REQUESTS.labels(method, route, str(status)),
            HTTP_SECONDS.labels(method, route),
        )
    children[0].inc()
    children[1].observe(seconds)


# -- read at scrape time --------------------------------------------------------------

STORES = set()  # the started Stores of this process (services/common/store.py)


class StoreCollector:
    """The outbox backlog (rows not yet published), the age of the oldest of them, and
    the parked messages, per service: one indexed query each, at scrape time."""

    def describe(self):
        return []  # nothing fixed: the families depend on the stores running

    def collect(self):
        backlog = GaugeMetricFamily(
            "kluis_outbox_backlog",
            "Outbox rows not yet published (events and commands).",
            labels=["service"],
        )
        age = GaugeMetricFamily(
            "kluis_outbox_oldest_age_seconds",
            "Age of the oldest outbox row not yet published (0 when none).",
            labels=["service"],
        )
        parked = GaugeMetricFamily(
            "kluis_parked_messages",
            "Received messages whose handler kept failing, parked for the operator.",
            labels=["service"],
        )
        for store in list(STORES):
            read = _store_figures(store)
            if read is None:
                continue
            count, seconds, parked_count = read
            backlog.add_metric([store.service_name], count)
            age.add_metric([store.service_name], seconds)
            parked.add_metric([store.service_name], parked_count)
        yield backlog
        yield age
        yield parked


def _store_figures(store):
    """-> (outbox backlog, age of its oldest row in seconds, parked messages), or None
    when the store's database did not answer (a scrape must not fail on one database)."""
    try:
        with Session(store.engine) as session:
            count, oldest = session.execute(
                select(func.count(), func.min(store.outbox.c.created_at)).where(
                    store.outbox.c.sent_at.is_(None)
                )
            ).one()
            parked_count = session.execute(
                select(func.count())
                .select_from(store.inbox)
                .where(store.inbox.c.status == "parked")
            ).scalar()
    except Exception as exc:
        log.info("%s: metrics not read (%s)", store.service_name, type(exc).__name__)
        return None
    seconds = 0.0
    if oldest is not None:
        if oldest.tzinfo is None:  # SQLite gives it back without its zone
            oldest = oldest.replace(tzinfo=UTC)
        seconds = max(0.0, (utcnow() - oldest).total_seconds())
    return count, seconds, parked_count


REGISTRY.register(StoreCollector())


# -- serving ----------------------------------------------------------------------------


def parse_address(address):
    """ "host:port" -> (host, port); ValueError with a clear message otherwise."""
    host, sep, port = str(address).rpartition(":")
    if not sep or not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise ValueError(f"METRICS_ADDRESS must be host:port, not {address!r}")
    return host.strip("[]"), int(port)


class _Quiet:
    """eventlet.wsgi's access log, dropped: a scrape every 15 s is not news."""

    def write(self, *_):
        pass


def readiness_app(metrics, ready):
    """`metrics` (a WSGI app) with GET `/ready`: 200 when `ready()`, else 503."""

    def app(environ, start_response):
        if environ.get("PATH_INFO") != "/ready":
            return metrics(environ, start_response)
        status, body = (
            ("200 OK", b"ready\n") if ready() else ("503 Service Unavailable", b"not ready\n")
        )
        start_response(
            status,
            [("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", str(len(body)))],
        )
        return [body]

    return app


class MetricsServer:
    """`/metrics` of this process (prometheus_client's WSGI app), and `/ready` when given
    `ready` (true or false), on eventlet's server, in a green thread of the container
    (`spawn`)."""

    def __init__(self, address, ready=None):
        self.address = parse_address(address)
        self.ready = ready
        self.sock = self.thread = None

    def start(self, spawn):
        try:
            # not SO_REUSEPORT (eventlet.listen sets it by default): a second process on the
            # same address must fail, not share the scrapes
            self.sock = eventlet.listen(
                self.address,
                reuse_port=False,
                family=socket.AF_INET6 if ":" in self.address[0] else socket.AF_INET,
            )
        except OSError as exc:
            raise OSError(
                f"METRICS_ADDRESS {self.address[0]}:{self.address[1]}: {exc.strerror or exc}"
            ) from None
        app = make_wsgi_app()
        if self.ready is not None:
            app = readiness_app(app, self.ready)
        self.thread = spawn(
            lambda: eventlet.wsgi.server(
                self.sock, app, log=_Quiet(), log_output=False, socket_timeout=10
            )
        )
        log.info("metrics on http://%s:%d/metrics", *self.sock.getsockname()[:2])

    def stop(self):
        if self.thread is not None:
            self.thread.kill()
            self.sock.close()
            self.sock = self.thread = None
