"""Lists cost a page (issue #15): each service pages in SQL with a keyset cursor that it
signs, so a tampered cursor is refused, rows added between two pages are neither
repeated nor skipped, every page is in the documented order, no page shows another
office's rows, and a page of a long list costs about what a page of a short one does.

Documents rows for the long lists are inserted straight into the documents table
(executemany): the blobs behind them do not exist, which the list never reads."""

import statistics
import time
import uuid
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from services.documents.models import Document
from tests import samples

from .staff_app import App, Office
from .test_clients import _client, activate
from .test_documents import upload
from .test_questionnaires import TEMPLATE


@pytest.fixture(scope="module")
def world(kluis):
    admin = kluis.admin()
    office_a, office_b = Office(kluis, admin), Office(kluis, admin)
    owner_a, owner_b = office_a.staffed("owner")[1], office_b.staffed("owner")[1]
    client_a, client_b = _client(owner_a, office_a), _client(owner_b, office_b)
    dossiers = {
        name: owner.post(
            f"/clients/{client['id']}/dossiers", json={"number": name, "description": "Paging"}
        ).json()
        for name, owner, client in (
            ("A-1", owner_a, client_a),
            ("A-2", owner_a, client_a),
            ("A-3", owner_a, client_a),
            ("B-1", owner_b, client_b),
        )
    }
    _client(owner_a, office_a, name="Aart Aalbers")
    _client(owner_b, office_b, name="Bea Bakker")
    portal = activate(kluis, owner_a, client_a)
    a1 = dossiers["A-1"]["id"]
    for n in range(3):
        assert (
            owner_a.post(
                f"/dossiers/{a1}/messages", json={"subject": f"Vraag {n}", "body": "Graag"}
            ).status_code
            == 201
        )
        assert (
            portal.post(
                f"/dossiers/{a1}/messages", json={"subject": f"Antwoord {n}", "body": "Hier"}
            ).status_code
            == 201
        )
        assert (
            owner_a.post(
                f"/dossiers/{a1}/requests",
                json={"title": f"Loonstrook {n}", "deliver_by": "client"},
            ).status_code
            == 201
        )
    return {
        "owner_a": owner_a,
        "owner_b": owner_b,
        "dossiers": dossiers,
        "portal": portal,
        "client_a": client_a,
    }


def documents_table(kluis):
    url = (
        kluis.system.env.get("DOCUMENTS_DB_URL") or f"sqlite:///{kluis.system.var / 'documents.db'}"
    )
    return sa.create_engine(url)


def insert_documents(kluis, dossier, count, start, step=timedelta(seconds=1), same_every=1):
    """`count` rows in `dossier`, newest `start`, `same_every` rows sharing a moment
    (so that the id decides their order)."""
    rows = [
        {
            "id": str(uuid.uuid4()),
            "dossier_id": dossier["id"],
            "office_id": dossier["office_id"],
            "client_id": dossier["client_id"],
            "category": "document",
            "public": True,
            "title": f"Stuk {n}",
            "name": "stuk.pdf",
            "size": 1,
            "sha256": "0" * 64,
            "content_type": "application/pdf",
            "blob_name": str(uuid.uuid4()),
            "request_id": None,
            "message_id": None,
            "locked": False,
            "uploaded_by": str(uuid.uuid4()),
            "uploaded_by_kind": "staff",
            "created_at": start - step * (n // same_every),
        }
        for n in range(count)
    ]
    engine = documents_table(kluis)
    with engine.begin() as connection:
        connection.execute(Document.__table__.insert(), rows)
    engine.dispose()
    return [row["id"] for row in rows]


def pages(who, path, limit):
    """Every page of a list, following next_cursor."""
    found, cursor = [], None
    while True:
        params = {"limit": limit, **({"cursor": cursor} if cursor else {})}
        response = who.get(path, params=params)
        assert response.status_code == 200, response.text
        body = response.json()
        found.append(body["items"])
        cursor = body["next_cursor"]
        if cursor is None:
            return found


def tampered(cursor):
    first = "N" if cursor[0] != "N" else "O"
    return first + cursor[1:]


def test_a_tampered_cursor_or_one_of_another_list_gets_400(world):
    owner_a, dossiers = world["owner_a"], world["dossiers"]
    for dossier in ("A-1", "A-2"):
        for _ in range(2):
            assert upload(owner_a, dossiers[dossier]["id"], samples.pdf()).status_code == 201
    path = f"/dossiers/{dossiers['A-1']['id']}/documents"
    cursor = owner_a.get(path, params={"limit": 1}).json()["next_cursor"]
    assert cursor
    for bad in (tampered(cursor), cursor + "x", "", "e30", "not a cursor"):
        response = owner_a.get(path, params={"limit": 1, "cursor": bad})
        if bad == "":
            assert response.status_code == 200  # no cursor: the first page
            continue
        assert response.status_code == 400, (bad, response.text)
        assert response.json()["error"] == "validation_error"
        assert "cursor" in response.json()["details"]
    other = f"/dossiers/{dossiers['A-2']['id']}/documents"
    response = owner_a.get(other, params={"limit": 1, "cursor": cursor})
    assert response.status_code == 400 and "cursor" in response.json()["details"]


def test_rows_added_between_pages_neither_repeat_nor_skip_those_that_were_there(world):
    owner_a, dossier = world["owner_a"], world["dossiers"]["A-3"]
    path = f"/dossiers/{dossier['id']}/documents"
    before = {
        upload(owner_a, dossier["id"], samples.pdf(f"stuk {n}")).json()["id"] for n in range(5)
    }
    first = owner_a.get(path, params={"limit": 2}).json()
    added = {
        upload(owner_a, dossier["id"], samples.pdf(f"nieuw {n}")).json()["id"] for n in range(3)
    }
    seen = [d["id"] for d in first["items"]]
    cursor = first["next_cursor"]
    while cursor:
        body = owner_a.get(path, params={"limit": 2, "cursor": cursor}).json()
        seen += [d["id"] for d in body["items"]]
        cursor = body["next_cursor"]
    assert len(seen) == len(set(seen)), "a row came twice"
    assert before <= set(seen), "a row that was there was skipped"
    assert set(seen) <= before | added


def test_each_page_is_newest_first_with_the_id_breaking_ties_the_same_way(kluis, world):
    owner_a, dossier = world["owner_a"], world["dossiers"]["A-2"]
    path = f"/dossiers/{dossier['id']}/documents"
    there = sum(len(page) for page in pages(owner_a, path, limit=50))  # other tests' uploads
    moment = datetime.now(UTC) - timedelta(days=1)
    insert_documents(kluis, dossier, 45, moment, same_every=4)
    found = pages(owner_a, path, limit=7)
    items = [d for page in found for d in page]
    assert all(len(page) == 7 for page in found[:-1])
    keys = [(datetime.fromisoformat(d["created_at"]), d["id"]) for d in items]
    assert keys == sorted(keys, reverse=True)  # the id descending too: the index's order
    assert len({d["id"] for d in items}) == len(items) == there + 45


def test_no_page_shows_another_offices_rows(kluis, world):
    owner_a, owner_b, dossiers = world["owner_a"], world["owner_b"], world["dossiers"]
    theirs = set(insert_documents(kluis, dossiers["B-1"], 30, datetime.now(UTC)))
    for dossier in ("A-1", "A-2", "A-3"):
        path = f"/dossiers/{dossiers[dossier]['id']}/documents"
        for page in pages(owner_a, path, limit=5):
            assert not theirs & {d["id"] for d in page}
            assert {d["dossier_id"] for d in page} == {dossiers[dossier]["id"]}
        assert owner_b.get(path, params={"limit": 5}).status_code == 404
    b_ids = {
        d["id"]
        for page in pages(owner_b, f"/dossiers/{dossiers['B-1']['id']}/documents", limit=50)
        for d in page
    }
    assert b_ids == theirs


@pytest.mark.parametrize("moments", ["distinct", "one moment"])
def test_a_page_of_a_long_list_costs_about_a_page_of_a_short_one(any_kluis, moments):
    """100 and 100,000 documents, each a moment of its own, or all of one moment (then
    the id alone orders them: the index must serve the tie too, not a sort of it)."""
    kluis = any_kluis
    admin = kluis.admin()
    office = Office(kluis, admin)
    owner = office.staffed("owner")[1]
    client = _client(owner, office)
    short, long_ = (
        owner.post(
            f"/clients/{client['id']}/dossiers", json={"number": n, "description": "Meting"}
        ).json()
        for n in ("KORT", "LANG")
    )
    now = datetime.now(UTC)
    step = timedelta(milliseconds=10) if moments == "distinct" else timedelta(0)
    insert_documents(kluis, short, 100, now, step=step)
    for start in range(0, 100_000, 2_000):  # in parts: pg_kluis ends a session idle for 3 s
        insert_documents(kluis, long_, 2_000, now - step * start, step=step)
        assert owner.get("/me").status_code == 200
    if kluis.system.env.get("DOCUMENTS_DB_URL"):  # what autovacuum does after a bulk load
        engine = documents_table(kluis)
        with engine.begin() as connection:
            connection.execute(sa.text("ANALYZE documents"))
        engine.dispose()

    def cost(dossier):
        """The median of first pages and of pages deep in the list (past row 50,000)."""
        path = f"/dossiers/{dossier['id']}/documents"
        first = owner.get(path, params={"limit": 20})
        assert first.status_code == 200, first.text
        cursor = first.json()["next_cursor"]
        for _ in range(250 if dossier is long_ else 0):
            cursor = owner.get(path, params={"limit": 200, "cursor": cursor}).json()["next_cursor"]
        times = []
        for _ in range(15):
            for params in ({"limit": 20}, {"limit": 20, "cursor": cursor}):
                started = time.perf_counter()
                response = owner.get(path, params=params)
                times.append(time.perf_counter() - started)
                assert response.status_code == 200 and len(response.json()["items"]) == 20
        return statistics.median(times)

    cost(short)  # warm up
    small, large = cost(short), cost(long_)
    print(
        f"\n{kluis.system.env.get('DOCUMENTS_DB_URL', 'sqlite')[:8]}: page of 20 documents "
        f"({moments}): 100 rows {small * 1000:.1f} ms, 100,000 rows {large * 1000:.1f} ms"
    )
    assert large <= 4 * small + 0.05


@pytest.fixture(scope="module")
def staffing(kluis):
    """An office whose owner has two phones and has recorded three staff members whose
    registrations wait for approval."""
    office = Office(kluis, kluis.admin())
    person = office.add(office.admin, "owner")
    office.register(person, office.admin)
    owner = office.register(person, office.admin, count=2)[1]  # a second phone
    for n in range(3):
        recorded = office.add(owner, "staff", name=f"Medewerker {n}")
        app = App(kluis)
        assert app.start().status_code == 201
        assert app.identify(office.partner_id, email=recorded["email"]).status_code == 200
        assert app.verify(app.code_from_mail(recorded["email"])).status_code == 200
    return {"office": office, "owner": owner}


@pytest.fixture(scope="module")
def work(kluis, world):
    """Two of each of the dossier A-1's questionnaires, signing requests, lender items,
    and of its client's products and mortgage applications."""
    owner, client, a1 = world["owner_a"], world["client_a"], world["dossiers"]["A-1"]["id"]
    for n in range(2):
        template = owner.post("/questionnaire-templates", json={**TEMPLATE, "title": f"Intake {n}"})
        assert (
            owner.post(
                f"/dossiers/{a1}/questionnaires", json={"template_id": template.json()["id"]}
            ).status_code
            == 201
        )
        document = upload(owner, a1, samples.pdf(f"Akte {n}"), name="akte.pdf").json()
        assert (
            owner.post(
                f"/documents/{document['id']}/signing-requests", json={"signer_id": client["id"]}
            ).status_code
            == 201
        ), document
        assert (
            owner.post(
                f"/dossiers/{a1}/requests", json={"title": f"Taxatie {n}", "deliver_by": "lender"}
            ).status_code
            == 201
        )
        assert (
            owner.post(
                f"/clients/{client['id']}/products",
                json={"kind": "mortgage", "provider": f"Bank {n}"},
            ).status_code
            == 201
        )
        assert (
            owner.post(
                f"/clients/{client['id']}/mortgage-applications", json={"amount_cents": 100_000 + n}
            ).status_code
            == 201
        )
    return world


NEWEST, OLDEST, BY_NAME = (
    ("created_at", "id", "desc"),
    ("created_at", "id", "asc"),
    ("name", "id", "asc"),
)


def lists(world, staffing, admin):
    """{name: (who, path, the order's fields and direction, or None: several orders one
    after the other)} of every list; each pages in its service."""
    a1, client = world["dossiers"]["A-1"]["id"], world["client_a"]["id"]
    owner, portal, office = world["owner_a"], world["portal"], staffing["office"].id
    manager = staffing["owner"]
    return {
        "dossiers": (owner, "/dossiers?status=all", NEWEST),
        "clients": (owner, "/clients", BY_NAME),
        "documents": (owner, f"/dossiers/{a1}/documents", NEWEST),
        "messages": (owner, f"/dossiers/{a1}/messages", NEWEST),
        "requests": (portal, f"/dossiers/{a1}/requests", OLDEST),
        "tasks": (owner, "/tasks?status=all", NEWEST),
        "dossier audit": (owner, f"/dossiers/{a1}/audit", ("at", "desc")),
        "my audit": (portal, "/me/audit", ("at", "desc")),
        "portal dossiers": (portal, "/dossiers", NEWEST),
        "staff": (manager, f"/offices/{office}/staff", ("name", "person_id", "asc")),
        "registration requests": (manager, f"/offices/{office}/registration-requests", OLDEST),
        "office audit": (manager, f"/offices/{office}/audit", ("at", "desc")),
        "devices": (manager, "/me/devices", OLDEST),
        "offices": (admin, "/offices", BY_NAME),
        "login attempts": (admin, "/admin/login-attempts", ("at", "desc")),
        "questionnaires": (owner, f"/dossiers/{a1}/questionnaires", NEWEST),
        "client's questionnaires": (portal, f"/dossiers/{a1}/questionnaires", NEWEST),
        "templates": (owner, "/questionnaire-templates", NEWEST),
        "signing requests": (owner, "/signing-requests", NEWEST),
        "signer's requests": (portal, "/signing-requests", NEWEST),
        "lender requests": (admin, "/lender-requests", OLDEST),
        "products": (owner, f"/clients/{client}/products", OLDEST),
        "my products": (portal, "/me/products", NEWEST),
        "applications": (owner, "/mortgage-applications", NEWEST),
        "my applications": (portal, "/mortgage-applications", NEWEST),
        "actions": (portal, "/actions", None),
    }


def in_order(items, order):
    """Are the items in `order` (fields..., "asc" | "desc")? Moments compare as times."""
    *fields, direction = order
    keys = [
        tuple(datetime.fromisoformat(i[f]) if f in ("at", "created_at") else i[f] for f in fields)
        for i in items
    ]
    return keys == sorted(keys, reverse=direction == "desc")


def first_items(who, path, count):
    """The first `count` items of a list, a page of one at a time."""
    found, cursor = [], None
    while len(found) < count:
        body = who.get(path, params={"limit": 1, **({"cursor": cursor} if cursor else {})})
        assert body.status_code == 200, body.text
        found += body.json()["items"]
        cursor = body.json()["next_cursor"]
        if cursor is None:
            break
    return found, cursor


@pytest.mark.parametrize(
    "name",
    [
        "dossiers",
        "clients",
        "documents",
        "messages",
        "requests",
        "tasks",
        "dossier audit",
        "my audit",
        "portal dossiers",
        "staff",
        "registration requests",
        "office audit",
        "devices",
        "offices",
        "login attempts",
        "questionnaires",
        "client's questionnaires",
        "templates",
        "signing requests",
        "signer's requests",
        "lender requests",
        "products",
        "my products",
        "applications",
        "my applications",
        "actions",
    ],
)
def test_every_list_pages_in_order_and_refuses_an_edited_cursor(kluis, work, staffing, name):
    """A page of `limit`, and the next from its cursor: one at a time they are the items
    of one page of 30, in the documented order; an edited cursor is 400."""
    who, path, order = lists(work, staffing, kluis.admin())[name]
    whole = who.get(path, params={"limit": 30}).json()
    assert len(whole["items"]) >= 2, (name, whole)
    one_by_one, cursor = first_items(who, path, 30)
    assert one_by_one == whole["items"], name
    assert (cursor is None) == (whole["next_cursor"] is None), name
    assert order is None or in_order(one_by_one, order), name
    cursor = who.get(path, params={"limit": 1}).json()["next_cursor"]
    for bad in (tampered(cursor), tampered_inside(cursor)):
        response = who.get(path, params={"limit": 1, "cursor": bad})
        assert (response.status_code, response.json()["error"]) == (400, "validation_error")
        assert list(response.json()["details"]) == ["cursor"]
    assert who.get(path, params={"limit": 201}).status_code == 400


def tampered_inside(cursor):
    """The cursor with a character of its signed part changed (after the actions'
    `<source>:` prefix, which the gateway reads)."""
    at = len(cursor) // 2
    return cursor[:at] + ("A" if cursor[at] != "A" else "B") + cursor[at + 1 :]


def test_the_delivery_log_and_parked_messages_page_for_the_admin(kluis):
    """The delivery log grows while it is read (mail is sent in the background): its
    pages are newest first and follow each other. Parked messages page too."""
    admin = kluis.admin()
    first = admin.get("/admin/notifications", params={"limit": 2}).json()
    assert len(first["items"]) == 2 and first["next_cursor"]
    second = admin.get(
        "/admin/notifications", params={"limit": 2, "cursor": first["next_cursor"]}
    ).json()
    assert in_order(first["items"] + second["items"], NEWEST)
    response = admin.get(
        "/admin/notifications", params={"limit": 2, "cursor": tampered(first["next_cursor"])}
    )
    assert response.status_code == 400
    for service in ("identity", "dossier", "documents", "notify", "signing"):
        parked = admin.get(f"/admin/parked-messages/{service}", params={"limit": 1})
        assert parked.status_code == 200 and len(parked.json()["items"]) <= 1
        assert (
            admin.get(f"/admin/parked-messages/{service}", params={"cursor": "e30.x"}).status_code
            == 400
        )


def test_a_cursor_belongs_to_its_list_and_its_caller(kluis, work, staffing):
    """A cursor of one office's staff is refused for another's, and one of the signer's
    requests for the office's list of them."""
    manager, office = staffing["owner"], staffing["office"]
    cursor = manager.get(f"/offices/{office.id}/staff", params={"limit": 1}).json()["next_cursor"]
    other = Office(kluis, kluis.admin())
    response = kluis.admin().get(
        f"/offices/{other.id}/staff", params={"limit": 1, "cursor": cursor}
    )
    assert response.status_code == 400
    mine = work["portal"].get("/signing-requests", params={"limit": 1}).json()["next_cursor"]
    response = work["owner_a"].get("/signing-requests", params={"limit": 1, "cursor": mine})
    assert response.status_code == 400


def test_the_dossiers_and_clients_lists_never_show_another_office(world):
    owner_a, dossiers = world["owner_a"], world["dossiers"]
    for path in ("/dossiers?status=all", "/clients"):
        for page in pages(owner_a, path, limit=1):
            assert {item.get("office_id") for item in page} == {dossiers["A-1"]["office_id"]}
    portal_sees = {d["id"] for page in pages(world["portal"], "/dossiers", limit=1) for d in page}
    assert portal_sees == {dossiers[n]["id"] for n in ("A-1", "A-2", "A-3")}
