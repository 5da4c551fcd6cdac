"""The real identity service on PostgreSQL (schema from its Alembic migrations): the
principal travels in the RPC context and identity checks it itself."""

import json
import time

import pytest
import sqlalchemy as sa
from alembic import command
from nameko.standalone.rpc import ClusterRpcProxy

from services.common.context import Principal
from services.common.errors import KluisError
from services.common.migrate import alembic_config, upgrade
from services.identity import domain
from services.identity.service import IdentityService

from .kit import principal_context

ADMIN = Principal(account_id="admin-1", kind="admin")
PASSWORD = "Sterk-Wachtwoord-42"


def rpc_as(config, principal=None):
    context = principal_context(principal)
    return ClusterRpcProxy(config, context_data=context)


def service_config(config, pg_url):
    return {
        **config,
        "DB_URL": pg_url,
        "KLUIS_PUBLIC_URL": "http://kluis.test",
        "SESSION_IDLE_TIMEOUT_S": 600,
        "SESSION_WARNING_S": 120,
    }


@pytest.fixture
def identity(config, pg_url, start_service):
    upgrade("identity", pg_url)
    start_service(IdentityService, service_config(config, pg_url))


def refusal(call, *args):
    with pytest.raises(KluisError) as raised:
        call(*args)
    return type(raised.value).__name__


def test_login_attempts_are_listed_for_admins_only(config, identity):
    with rpc_as(config, ADMIN) as rpc:
        created = rpc.identity.create_account(
            "client", "Eva@Kluis.test", name="Eva", language="en", password=PASSWORD
        )
    with rpc_as(config) as rpc:
        session = rpc.identity.login(
            "eva@kluis.test", PASSWORD, source_ip="203.0.113.7", user_agent="pytest"
        )
        assert (session["idle_timeout_s"], session["warning_s"]) == (600, 120)
        assert (
            refusal(rpc.identity.login, "eva@kluis.test", "Fout-Wachtwoord-1", "198.51.100.9")
            == "InvalidCredentials"
        )
        # the principal the gateway would put in the context, as identity resolves it
        client = Principal.from_dict(rpc.identity.authenticate(session["token"]))
        assert refusal(rpc.identity.list_login_attempts) == "Unauthenticated"
    assert (client.account_id, client.kind, client.language) == (created["id"], "client", "en")

    with rpc_as(config, client) as rpc:
        assert rpc.identity.describe_me()["email"] == "eva@kluis.test"
        assert refusal(rpc.identity.list_login_attempts) == "Forbidden"
        assert refusal(rpc.identity.create_account, "admin", "mallory@kluis.test") == "Forbidden"

    with rpc_as(config, ADMIN) as rpc:
        page = rpc.identity.list_login_attempts()
    attempts = page["items"]
    assert page["next_cursor"] is None
    assert [(a["email"], a["success"], a["reason"], a["source_ip"]) for a in attempts] == [
        ("eva@kluis.test", False, "wrong_password", "198.51.100.9"),
        ("eva@kluis.test", True, "ok", "203.0.113.7"),
    ]
    assert attempts[1]["user_agent"] == "pytest"
    assert not any(PASSWORD in json.dumps(a) for a in attempts)


def test_an_account_from_before_sealing_is_sealed_by_the_service_and_signs_in(
    config, pg_url, start_service, engines
):
    """Migration 0012 on a database with an account in it: the running service seals
    the account as it starts (backfill.py), and it signs in and reads as before. (Found
    meanwhile by its plain address: tests/unit/test_identity_backfill.py.)"""
    command.upgrade(alembic_config("identity", pg_url), "0011")
    engine = engines(pg_url)
    with engine.begin() as db:
        db.execute(
            sa.text(
                "INSERT INTO accounts (id, kind, email, name, language, password_hash,"
                " failed_logins, created_at) VALUES ('old-1', 'client', 'oud@kluis.test',"
                " 'Oud Klant', 'nl', :hash, 0, now())"
            ),
            {"hash": domain.hash_password(PASSWORD)},
        )
    upgrade("identity", pg_url)
    start_service(IdentityService, service_config(config, pg_url))

    def stored():
        with engine.connect() as db:
            return db.execute(sa.text("SELECT email, name, email_index FROM accounts")).one()

    deadline = time.monotonic() + 20
    while stored().email_index is None:  # the timer's first round runs at start
        assert time.monotonic() < deadline, "not sealed"
        time.sleep(0.1)
    email, name, _index = stored()
    assert email.startswith("s1.") and "Oud" not in name
    with rpc_as(config) as rpc:
        session = rpc.identity.login("OUD@kluis.test", PASSWORD)
        client = Principal.from_dict(rpc.identity.authenticate(session["token"]))
    with rpc_as(config, client) as rpc:
        me = rpc.identity.describe_me()
    assert (me["email"], me["name"]) == ("oud@kluis.test", "Oud Klant")
