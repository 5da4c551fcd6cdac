"""Lists cost a page (issue #15): each service pages in SQL with a keyset cursor that it
signs, so a tampered cursor is refused, rows added between two pages are neither
repeated nor skipped, every page is in the documented order, no page shows another
office's rows, and a page of a long list costs about what a page of a short one does.

Documents rows for the long lists are inserted straight into the documents table
(executemany): the blobs behind them do not exist, which the list never reads."""
import statistics
import time
import uuid
from datetime import datetime, timedelta, timezone

import pytest
import sqlalchemy as sa

from services.documents.models import Document
from tests import samples

from .staff_app import Office
from .test_clients import _client, activate
from .test_documents import upload


@pytest.fixture(scope="module")
def world(kluis):
    admin = kluis.admin()
    office_a, office_b = Office(kluis, admin), Office(kluis, admin)
    owner_a, owner_b = office_a.staffed("owner")[1], office_b.staffed("owner")[1]
    client_a, client_b = _client(owner_a, office_a), _client(owner_b, office_b)
    dossiers = {name: owner.post(f"/clients/{client['id']}/dossiers", json={
        "number": name, "description": "Paging"}).json()
        for name, owner, client in (("A-1", owner_a, client_a), ("A-2", owner_a, client_a),
                                    ("A-3", owner_a, client_a), ("B-1", owner_b, client_b))}
    _client(owner_a, office_a, name="Aart Aalbers")
    _client(owner_b, office_b, name="Bea Bakker")
    portal = activate(kluis, owner_a, client_a)
    a1 = dossiers["A-1"]["id"]
    for n in range(3):
        assert owner_a.post(f"/dossiers/{a1}/messages", json={
            "subject": f"Vraag {n}", "body": "Graag"}).status_code == 201
        assert portal.post(f"/dossiers/{a1}/messages", json={
            "subject": f"Antwoord {n}", "body": "Hier"}).status_code == 201
        assert owner_a.post(f"/dossiers/{a1}/requests", json={
            "title": f"Loonstrook {n}", "deliver_by": "client"}).status_code == 201
    return {"owner_a": owner_a, "owner_b": owner_b, "dossiers": dossiers, "portal": portal}


def documents_table(kluis):
    url = kluis.system.env.get("DOCUMENTS_DB_URL") or \
        f"sqlite:///{kluis.system.var / 'documents.db'}"
    return sa.create_engine(url)


def insert_documents(kluis, dossier, count, start, step=timedelta(seconds=1), same_every=1):
    """`count` rows in `dossier`, newest `start`, `same_every` rows sharing a moment
    (so that the id decides their order)."""
    rows = [{"id": str(uuid.uuid4()), "dossier_id": dossier["id"],
             "office_id": dossier["office_id"], "client_id": dossier["client_id"],
             "category": "document", "public": True, "title": f"Stuk {n}", "name": "stuk.pdf",
             "size": 1, "sha256": "0" * 64, "content_type": "application/pdf",
             "blob_name": str(uuid.uuid4()), "request_id": None, "message_id": None,
             "locked": False, "uploaded_by": str(uuid.uuid4()), "uploaded_by_kind": "staff",
             "created_at": start - step * (n // same_every)} for n in range(count)]
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
    before = {upload(owner_a, dossier["id"], samples.pdf(f"stuk {n}")).json()["id"]
              for n in range(5)}
    first = owner_a.get(path, params={"limit": 2}).json()
    added = {upload(owner_a, dossier["id"], samples.pdf(f"nieuw {n}")).json()["id"]
             for n in range(3)}
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
    moment = datetime.now(timezone.utc) - timedelta(days=1)
    insert_documents(kluis, dossier, 45, moment, same_every=4)
    found = pages(owner_a, f"/dossiers/{dossier['id']}/documents", limit=7)
    items = [d for page in found for d in page]
    assert all(len(page) == 7 for page in found[:-1])
    keys = [(datetime.fromisoformat(d["created_at"]), d["id"]) for d in items]
    assert keys == sorted(keys, reverse=True)  # the id descending too: the index's order
    assert len({d["id"] for d in items}) == len(items) == 47


def test_no_page_shows_another_offices_rows(kluis, world):
    owner_a, owner_b, dossiers = world["owner_a"], world["owner_b"], world["dossiers"]
    theirs = set(insert_documents(kluis, dossiers["B-1"], 30, datetime.now(timezone.utc)))
    for dossier in ("A-1", "A-2", "A-3"):
        path = f"/dossiers/{dossiers[dossier]['id']}/documents"
        for page in pages(owner_a, path, limit=5):
            assert not theirs & {d["id"] for d in page}
            assert {d["dossier_id"] for d in page} == {dossiers[dossier]["id"]}
        assert owner_b.get(path, params={"limit": 5}).status_code == 404
    b_ids = {d["id"] for page in pages(owner_b, f"/dossiers/{dossiers['B-1']['id']}/documents",
                                       limit=50) for d in page}
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
    short, long_ = (owner.post(f"/clients/{client['id']}/dossiers", json={
        "number": n, "description": "Meting"}).json() for n in ("KORT", "LANG"))
    now = datetime.now(timezone.utc)
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
            cursor = owner.get(path, params={"limit": 200, "cursor": cursor}).json()[
                "next_cursor"]
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
    print(f"\n{kluis.system.env.get('DOCUMENTS_DB_URL', 'sqlite')[:8]}: page of 20 documents "
          f"({moments}): 100 rows {small * 1000:.1f} ms, 100,000 rows {large * 1000:.1f} ms")
    assert large <= 4 * small + 0.05


def newest_first(at="created_at"):
    """Newest first, then the id descending (a uuid: its number orders as its text does)."""
    return lambda item: (-datetime.fromisoformat(item[at]).timestamp(),
                         -int(uuid.UUID(item["id"])) if "id" in item else 0)


def lists(world):
    """(who, path, sort key of the documented order) of every list paged in SQL."""
    a1 = world["dossiers"]["A-1"]["id"]
    owner, portal = world["owner_a"], world["portal"]
    return {"dossiers": (owner, "/dossiers?status=all", newest_first()),
            "clients": (owner, "/clients", lambda c: (c["name"], c["id"])),
            "documents": (owner, f"/dossiers/{a1}/documents", newest_first()),
            "messages": (owner, f"/dossiers/{a1}/messages", newest_first()),
            "requests": (portal, f"/dossiers/{a1}/requests",
                         lambda r: (datetime.fromisoformat(r["created_at"]), r["id"])),
            "tasks": (owner, "/tasks?status=all", newest_first()),
            "dossier audit": (owner, f"/dossiers/{a1}/audit", newest_first("at")),
            "my audit": (portal, "/me/audit", newest_first("at")),
            "portal dossiers": (portal, "/dossiers", newest_first())}


@pytest.mark.parametrize("name", ["dossiers", "clients", "documents", "messages", "requests",
                                  "tasks", "dossier audit", "my audit", "portal dossiers"])
def test_every_paged_list_pages_in_order_and_refuses_an_edited_cursor(world, name):
    who, path, key = lists(world)[name]
    whole = who.get(path, params={"limit": 200}).json()
    assert whole["next_cursor"] is None and len(whole["items"]) >= 2, (name, whole)
    one_by_one = [item for page in pages(who, path, limit=1) for item in page]
    assert one_by_one == whole["items"]
    assert [key(i) for i in one_by_one] == sorted(key(i) for i in one_by_one), name
    cursor = who.get(path, params={"limit": 1}).json()["next_cursor"]
    response = who.get(path, params={"limit": 1, "cursor": tampered(cursor)})
    assert (response.status_code, response.json()["error"]) == (400, "validation_error")


def test_the_dossiers_and_clients_lists_never_show_another_office(world):
    owner_a, dossiers = world["owner_a"], world["dossiers"]
    for path in ("/dossiers?status=all", "/clients"):
        for page in pages(owner_a, path, limit=1):
            assert {item.get("office_id") for item in page} == {dossiers["A-1"]["office_id"]}
    portal_sees = {d["id"] for page in pages(world["portal"], "/dossiers", limit=1)
                   for d in page}
    assert portal_sees == {dossiers[n]["id"] for n in ("A-1", "A-2", "A-3")}
