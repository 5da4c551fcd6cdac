"""One RPC per authenticated read (issue #15): the gateway keeps principals in memory
(gateway/principals.py), identity writes session activity at most once per interval,
a revocation reaches every gateway instance within a second, and a dossier's counts
per tab come from dossier's own read model of documents' facts."""

import hashlib
import sqlite3
import time

import pytest
from nameko.standalone.rpc import ClusterRpcProxy

from deploy.processes import free_port
from deploy.system import SERVICES
from services.common.context import Principal
from services.common.errors import Forbidden
from tests.e2e.staff_app import Office
from tests.e2e.test_documents import eventually, tabs_of
from tests.e2e.test_health_and_speed import settled_counts
from tests.systems import Client, Kluis, start_system

REVOCATION_BOUND_S = 1.5  # one second, plus the polling's own slack


@pytest.fixture(scope="module")
def replicas(tmp_path_factory, vhosts):
    """A system with two gateway instances: `.a` and `.b` are their /api/v1 URLs."""
    system = start_system(tmp_path_factory, vhosts, "replicas")
    port = free_port()
    system.start_gateway_replica("gateway-2", f"127.0.0.1:{port}")
    kluis = Kluis(system)
    kluis.a, kluis.b = system.base_url, f"http://127.0.0.1:{port}/api/v1"
    deadline = time.monotonic() + 60
    while True:
        try:
            if Client(kluis.b).get("/health", timeout=2).status_code == 200:
                break
        except Exception:
            pass
        assert time.monotonic() < deadline, "the second gateway did not start"
        time.sleep(0.2)
    yield kluis
    system.stop_all()


def token_of(client):
    return client.session.headers["Authorization"].split(" ", 1)[1]


def last_activity(kluis, token):
    with sqlite3.connect(kluis.system.var / "identity.db") as db:
        return db.execute(
            "SELECT last_activity_at FROM sessions WHERE token_hash = ?",
            (hashlib.sha256(token.encode()).hexdigest(),),
        ).fetchone()[0]


def until_refused(client, path, statuses=(401, 403, 404), timeout=10, **kwargs):
    """Polls `path` until it is refused: -> seconds it took (fails after `timeout`)."""
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        if client.get(path, **kwargs).status_code in statuses:
            return time.monotonic() - start
        time.sleep(0.02)
    raise AssertionError(f"{path} still answered after {timeout}s")


def test_reads_do_not_write_the_session_each_time(replicas):
    address = replicas.create_client()
    token = replicas.login(address, "Klant-Wachtwoord-7")
    before = last_activity(replicas, token)
    client = Client(replicas.a, token)
    for _ in range(20):
        assert client.get("/me").status_code == 200
    assert last_activity(replicas, token) == before  # within the 30 s activity interval


def test_a_logout_on_one_gateway_ends_the_session_on_the_other(replicas):
    token = replicas.login(replicas.create_client(), "Klant-Wachtwoord-7")
    on_a, on_b = Client(replicas.a, token), Client(replicas.b, token)
    assert on_a.get("/me").status_code == 200 and on_b.get("/me").status_code == 200
    assert on_a.post("/auth/logout").status_code == 204
    took = until_refused(on_b, "/me", statuses=(401,))
    print(f"logout reached the other gateway in {took:.3f}s")
    assert took < REVOCATION_BOUND_S
    assert on_a.get("/me").status_code == 401  # at once on the gateway that logged out


def test_removing_a_staff_member_takes_effect_on_every_gateway(replicas):
    office = Office(replicas, replicas.admin())
    owner = office.staffed("owner")[1]
    person = office.add(office.admin, "owner")
    leaving = office.register(person, office.admin)[1]
    on_a, on_b = Client(replicas.a, token_of(leaving)), Client(replicas.b, token_of(leaving))
    path = f"/offices/{office.id}/staff"
    assert on_a.get(path).status_code == 200 and on_b.get(path).status_code == 200
    removed = Client(replicas.a, token_of(owner)).delete(f"{path}/{person['person_id']}")
    assert removed.status_code == 204, removed.text
    took = until_refused(on_b, path)
    print(f"staff removal reached the other gateway in {took:.3f}s")
    assert took < REVOCATION_BOUND_S


def test_an_active_session_outlives_the_idle_timeout_and_an_idle_one_ends_on_time(pg_kluis):
    """pg_kluis: idle timeout 3 s, so activity is written at most every 0.3 s."""
    token = pg_kluis.login(pg_kluis.create_client(), "Klant-Wachtwoord-7")
    client = Client(pg_kluis.base_url, token)
    start = time.monotonic()
    while time.monotonic() - start < 4.5:  # longer than the idle timeout, active throughout
        assert client.get("/me").status_code == 200
        time.sleep(0.2)
    last = time.monotonic()
    assert client.get("/me").status_code == 200
    # Polled by background reads, which do not count as activity, cached or not.
    until_refused(client, "/me", statuses=(401,), headers={"X-Kluis-Background": "1"})
    ended = time.monotonic() - last
    print(f"idle session ended {ended:.2f}s after the last activity (timeout 3 s)")
    assert 3 - 0.3 - 0.1 <= ended < 3 + 1.0


def test_withdrawn_consent_takes_effect_on_every_gateway(replicas):
    from tests.web.scenario import Case

    case = Case(replicas)
    portal = case.activate()
    staff_on_b = Client(replicas.b, token_of(case.staff))
    path = f"/clients/{case.client['id']}"
    assert staff_on_b.get(path).status_code == 200  # the staff member's principal, cached
    withdrawn = Client(replicas.a, token_of(portal)).put(
        f"/me/consents/{case.office.id}", json={"shared": False}
    )
    assert withdrawn.status_code == 200, withdrawn.text
    took = until_refused(staff_on_b, path, statuses=(403, 404))
    print(f"withdrawn consent reached the other gateway in {took:.3f}s")
    assert took < REVOCATION_BOUND_S


def backfill_done(kluis):
    with sqlite3.connect(kluis.system.var / "dossier.db") as db:
        query = "SELECT done_at IS NOT NULL FROM backfills WHERE name = 'document_facts'"
        return db.execute(query).fetchone() == (1,)


def test_a_dossier_list_and_a_dossier_are_one_rpc_each(replicas):
    """Counted where the RPCs land (RabbitMQ's statistics, as in test_health_and_speed):
    each read is one RPC to dossier, none to documents; identity hears at most of each
    session's activity once in its interval."""
    from tests.web.scenario import Case

    case = Case(replicas)
    portal = case.activate()
    dossier = case.dossier()
    case.document(dossier["id"], "Offerte")
    path = f"/dossiers/{dossier['id']}"
    eventually(lambda: portal.get("/dossiers").json()["items"][0]["unread"]["documents"], 1)
    for who in (case.staff, portal):  # their principals in the gateway's memory
        assert who.get("/dossiers").status_code == 200
    eventually(lambda: backfill_done(replicas), True, timeout=30)  # one-time, at start
    reads = 5
    before = settled_counts(replicas)
    for _ in range(reads):
        for who in (case.staff, portal):
            assert who.get("/dossiers").status_code == 200
            assert who.get(path).json()["tabs"]["documents"]["total"] == 1
    after = settled_counts(replicas)
    asked = {name: after[name] - before[name] - 1 for name in SERVICES}  # less the markers
    assert asked.pop("dossier") == 4 * reads
    assert asked.pop("identity") <= 2  # touch_session, once an interval per session
    assert asked == {name: 0 for name in asked}  # documents among them


def test_documents_from_before_the_read_model_come_in_by_the_backfill(replicas):
    """A deployment that had documents before dossier kept their facts: dossier copies
    them from documents once (its timer, at start). Simulated by emptying the read
    model of a stopped dossier; the events, handled long ago, are not sent again."""
    from tests.web.scenario import Case

    case = Case(replicas)
    portal = case.activate()
    dossier = case.dossier()
    offer = case.document(dossier["id"], "Offerte")
    case.document(dossier["id"], "Notitie", public=False)
    assert portal.get(f"/documents/{offer['id']}/content").status_code == 200
    counted = {"total": 1, "unread": 0}  # Ann downloaded the one she sees
    eventually(lambda: tabs_of(portal, dossier["id"])["documents"], counted)
    replicas.system.stop("dossier")
    try:
        with sqlite3.connect(replicas.system.var / "dossier.db") as db:
            db.execute("DELETE FROM document_facts")
            db.execute("DELETE FROM document_reads")
            db.execute("UPDATE backfills SET cursor = NULL, done_at = NULL")
    finally:
        replicas.system.start("dossier")
        replicas.system.wait_healthy(60)
    eventually(lambda: tabs_of(portal, dossier["id"])["documents"], counted, timeout=30)
    assert tabs_of(case.staff, dossier["id"])["documents"] == {"total": 2, "unread": 0}
    assert backfill_done(replicas)


def test_documents_facts_go_to_dossier_only(replicas):
    """The backfill's source answers dossier's own signed principal, and no one else."""

    def export_as(signed):
        with ClusterRpcProxy(
            {"AMQP_URI": replicas.system.env["AMQP_URI"]},
            timeout=30,
            context_data={"principal": signed},
        ) as rpc:
            return rpc.documents.export_document_facts(limit=1)

    page = export_as(replicas.sign(Principal("dossier", "service"), issuer="dossier").signed)
    assert set(page) == {"documents", "downloads", "next_cursor", "as_of"}
    for signed in (
        replicas.sign(Principal("signing", "service"), issuer="signing").signed,
        replicas.sign(replicas.admin_principal()).signed,
    ):
        with pytest.raises(Forbidden):
            export_as(signed)
