"""A whole system whose parts each connect with their own RabbitMQ user (`make run` given
the broker admin's credentials, docs/operations.md "Broker accounts") works as one
that shares guest: health, the mails of commands, the events between services."""

import json
import time
from urllib.parse import quote

import pytest
import requests

from deploy import broker_accounts
from deploy.system import PARTS
from tests.conftest import RABBIT_MANAGEMENT, RUN_ID

from .conftest import Kluis, start_system
from .staff_app import Office
from .test_clients import _client, activate

ADMIN = {
    "RABBITMQ_ADMIN_USER": "guest",
    "RABBITMQ_ADMIN_PASSWORD": "guest",
    "RABBITMQ_MANAGEMENT_URL": RABBIT_MANAGEMENT,
}


def connected_users(vhost):
    connections = requests.get(
        f"{RABBIT_MANAGEMENT}/api/vhosts/{quote(vhost, safe='')}/connections",
        auth=("guest", "guest"),
        timeout=10,
    ).json()
    return {connection["user"] for connection in connections}


@pytest.fixture
def accounted_kluis(tmp_path_factory, vhosts):
    """A whole system on per-part broker accounts; the users are deleted afterwards, also
    when it did not start."""
    try:
        system = start_system(
            tmp_path_factory,
            vhosts,
            "accounts",
            **ADMIN,
            KLUIS_BROKER_PASSWORD_NOTIFY="given-in-the-environment-0123456789",
            KLUIS_SCALE="gateway=2,documents=2",
        )  # instances share theirs
        yield Kluis(system)
        system.stop_all()
    finally:
        users = requests.get(
            f"{RABBIT_MANAGEMENT}/api/users", auth=("guest", "guest"), timeout=10
        ).json()
        prefix = f"kluis-kluis-test-{RUN_ID}-accounts"
        for user in users:
            if user["name"].startswith(prefix):
                requests.delete(
                    f"{RABBIT_MANAGEMENT}/api/users/{quote(user['name'], safe='')}",
                    auth=("guest", "guest"),
                    timeout=10,
                )


def test_every_part_works_with_its_own_broker_account(accounted_kluis):
    kluis = accounted_kluis
    system = kluis.system
    vhost = broker_accounts.vhost_of(system.env["AMQP_URI"])
    assert kluis.client().get("/health").status_code == 200
    # each part is connected as its own user, and none was given the admin's password
    # (the management API lists connections some seconds after they open)
    expected = {broker_accounts.user_name(part, vhost) for part in PARTS}
    deadline = time.monotonic() + 30
    while (users := connected_users(vhost)) != expected and time.monotonic() < deadline:
        time.sleep(0.5)
    assert users == expected
    assert {"documents-2", "gateway-2"} <= set(system.processes)
    assert system.part_env("documents-2")["AMQP_URI"] == system.part_env("documents")["AMQP_URI"]
    assert all("RABBITMQ_ADMIN_PASSWORD" not in system.part_env(part) for part in PARTS)
    assert "KLUIS_BROKER_PASSWORD_NOTIFY" not in system.part_env("gateway")

    # commands (identity -> notify: the registration code by mail), RPC between services
    # and events (identity's account_activated -> dossier)
    office = Office(kluis, kluis.admin())
    _app, staff = office.staffed("owner")
    client = _client(staff, office)
    signed_in = activate(kluis, staff, client)
    created = staff.post(
        f"/clients/{client['id']}/dossiers", json={"number": "D-1", "description": "Hypotheek"}
    )
    assert created.status_code == 201, created.text
    assert [d["number"] for d in signed_in.get("/dossiers").json()["items"]] == ["D-1"]
    logs = kluis.logs()
    assert "ACCESS_REFUSED" not in logs
    passwords = json.loads((system.var / broker_accounts.STORE_NAME).read_text())[vhost]
    assert passwords["notify"] == "given-in-the-environment-0123456789"
    assert not any(password in logs for password in passwords.values())
