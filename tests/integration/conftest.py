"""Fixtures for the integration tests: real RabbitMQ (a vhost per test), real databases
(SQLite files under tmp_path and fresh PostgreSQL databases), services started in
containers that are killed afterwards, and a real SMTP sink in a process of its own."""

import email
import email.policy
import re
import socket
import subprocess
import sys
import uuid
from pathlib import Path

import eventlet
import pytest
import sqlalchemy as sa
from sqlalchemy.pool import NullPool

from gateway.errors import register_remote_errors
from services.common.db import make_engine
from services.common.store import Store

# Remote errors come back as their own classes, as they do in the gateway, whatever
# other test module happened to import the gateway first.
register_remote_errors()

SINK_SCRIPT = Path(__file__).with_name("smtp_sink.py")


def _label(request, extra=""):
    base = re.sub(r"[^a-z0-9]+", "_", request.node.name.lower())[:20].strip("_")
    return f"{base}_{extra}{uuid.uuid4().hex[:6]}"


@pytest.fixture
def amqp_uri(vhosts, request):
    """A vhost for one test. Overrides the root fixture, whose name (the test name cut at
    40 characters) is shared by parametrized variants of a long test name."""
    return vhosts.create(_label(request).replace("_", "-"))


@pytest.fixture(params=["sqlite", "postgres"])
def backend(request):
    return request.param


@pytest.fixture
def make_db_url(backend, tmp_path, databases, request):
    """-> make(name): the URL of a new, empty database on this test's backend."""

    def make(name):
        if backend == "sqlite":
            return f"sqlite:///{tmp_path / (name + '.db')}"
        return databases.create(_label(request, name + "_"))

    return make


@pytest.fixture
def pg_url(databases, request):
    return databases.create(_label(request))


@pytest.fixture
def engines():
    """-> open(url): an engine for reading what a service wrote; disposed afterwards."""
    made = []

    def open_engine(url):
        engine = (
            make_engine(url)
            if url.startswith("sqlite")
            else sa.create_engine(url, poolclass=NullPool)
        )
        made.append(engine)
        return engine

    yield open_engine
    for engine in made:
        engine.dispose()


@pytest.fixture
def config(amqp_uri):
    """The base container config; tests add DB_URL and their own knobs."""
    return {
        "AMQP_URI": amqp_uri,
        "RELAY_INTERVAL_S": 0.2,
        "INBOX_RETRY_BASE_S": 0.1,
        "INBOX_MAX_ATTEMPTS": 3,
        "max_workers": 10,
    }


@pytest.fixture
def start_service(container_factory):
    """-> start(ServiceCls, config): a started container. At the end of the test every
    container is killed (all at once: each takes up to a second of nameko's consumer
    loop), and the engines of their stores are disposed."""
    started = []

    def start(service_cls, service_config, run=True):
        container = container_factory(service_cls, dict(service_config))
        started.append(container)
        if run:
            container.start()
        return container

    yield start
    pool = eventlet.GreenPool()
    for container in started:
        pool.spawn(container.kill)
    pool.waitall()
    for container in started:
        for extension in container.extensions:
            if isinstance(extension, Store) and extension.engine is not None:
                extension.engine.dispose()


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class SmtpSink:
    """A real SMTP server (aiosmtpd, in its own process) writing each accepted message to
    a folder; recipients starting with `nobody@` are refused with 550."""

    def __init__(self, folder):
        self.folder = folder
        self.port = free_port()
        self.process = None

    def start(self, mode="plain"):
        """`mode="secure"`: STARTTLS (CA at `self.folder / "ca.pem"`) and AUTH required."""
        self.process = subprocess.Popen(
            [sys.executable, str(SINK_SCRIPT), str(self.port), str(self.folder), mode],
            stdout=subprocess.PIPE,
            text=True,
        )
        line = self.process.stdout.readline()
        assert line.strip() == "ready", f"SMTP sink did not start: {line!r}"

    def stop(self):
        if self.process is not None:
            self.process.terminate()
            self.process.wait(10)
            self.process.stdout.close()
            self.process = None

    def messages(self):
        return [
            email.message_from_bytes(p.read_bytes(), policy=email.policy.default)
            for p in sorted(self.folder.glob("*.eml"))
        ]


@pytest.fixture
def smtp_sink(tmp_path):
    """Not started: call `.start()` (and `.stop()` to take it down)."""
    sink = SmtpSink(tmp_path / "mail")
    yield sink
    sink.stop()
