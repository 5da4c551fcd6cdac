"""Fixtures for the whole suite: a RabbitMQ vhost of its own for every system or
test that needs one, and PostgreSQL databases of its own, so that runs never see
each other's messages or rows. Everything is removed afterwards."""

import warnings

warnings.filterwarnings("ignore", message=r"\s*Eventlet is deprecated")

import os  # noqa: E402

import eventlet  # noqa: E402

# The browser tests (tests/web) run in a pytest process of their own, unpatched:
# playwright's sync API hangs on an error answer under eventlet's monkey patch (checked
# here), and they need no nameko in-process. `make test` runs both (docs/testing.md).
BROWSER_RUN = os.environ.get("KLUIS_BROWSER_TESTS") == "1"
if BROWSER_RUN:
    collect_ignore = ["unit", "integration", "e2e", "perf"]
else:
    eventlet.monkey_patch()  # first, before anything imports socket or threading
    collect_ignore = ["web"]

import uuid  # noqa: E402
from urllib.parse import quote  # noqa: E402

import psycopg2  # noqa: E402
import pytest  # noqa: E402
import requests  # noqa: E402

RABBIT_HOST = os.environ.get("TEST_RABBIT_HOST", "127.0.0.1")
RABBIT_MANAGEMENT = os.environ.get("TEST_RABBIT_MANAGEMENT", f"http://{RABBIT_HOST}:15672")
PG_ADMIN_DSN = os.environ.get(
    "TEST_PG_DSN", "host=127.0.0.1 port=5432 user=postgres dbname=postgres"
)
PG_URL = os.environ.get("TEST_PG_URL", "postgresql+psycopg2://postgres@127.0.0.1:5432/{name}")
RUN_ID = uuid.uuid4().hex[:8]

# The whole systems that tests/e2e and tests/web share (one of each per run).
pytest_plugins = ["tests.systems"]


class Vhosts:
    """Throwaway RabbitMQ vhosts through the management API."""

    def __init__(self):
        self.created = []

    def create(self, label):
        name = f"kluis-test-{RUN_ID}-{label}"
        auth = ("guest", "guest")
        response = requests.put(
            f"{RABBIT_MANAGEMENT}/api/vhosts/{quote(name, safe='')}", auth=auth, timeout=10
        )
        response.raise_for_status()
        requests.put(
            f"{RABBIT_MANAGEMENT}/api/permissions/{quote(name, safe='')}/guest",
            json={"configure": ".*", "write": ".*", "read": ".*"},
            auth=auth,
            timeout=10,
        ).raise_for_status()
        self.created.append(name)
        return f"amqp://guest:guest@{RABBIT_HOST}:5672/{quote(name, safe='')}"

    def remove_all(self):
        for name in self.created:
            requests.delete(
                f"{RABBIT_MANAGEMENT}/api/vhosts/{quote(name, safe='')}",
                auth=("guest", "guest"),
                timeout=10,
            )


class Databases:
    """Throwaway PostgreSQL databases."""

    def __init__(self):
        self.created = []

    def create(self, label):
        name = f"kluis_test_{RUN_ID}_{label}"
        self._execute(f'CREATE DATABASE "{name}"')
        self.created.append(name)
        return PG_URL.format(name=name)

    def remove_all(self):
        for name in self.created:
            self._execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    @staticmethod
    def _execute(statement):
        connection = psycopg2.connect(PG_ADMIN_DSN)
        connection.autocommit = True
        try:
            with connection.cursor() as cursor:
                cursor.execute(statement)
        finally:
            connection.close()


@pytest.fixture(scope="session")
def vhosts():
    registry = Vhosts()
    yield registry
    registry.remove_all()


@pytest.fixture(scope="session")
def databases():
    registry = Databases()
    yield registry
    registry.remove_all()


@pytest.fixture
def amqp_uri(vhosts, request):
    """A vhost for one test."""
    label = request.node.name[:30].replace("[", "-").replace("]", "")
    return vhosts.create(f"{label}-{uuid.uuid4().hex[:6]}")
