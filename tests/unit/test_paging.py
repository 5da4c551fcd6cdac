"""services/common/paging.py on an in-memory SQLite table: pages in order with ties
broken by the id in the order's own direction (ascending and descending), also through
a long run of rows with one moment; an order of mixed directions refused; a signed
cursor that cannot be edited or carried to another list; rows added between pages
neither repeated nor skipped; and the key read from PAGING_KEY or made once in a key
file."""

import base64
import json
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from services.common.db import UTCDateTime
from services.common.errors import ValidationFailed
from services.common.paging import Pager, asc, desc, name_order

metadata = sa.MetaData()
rows_table = sa.Table(
    "rows",
    metadata,
    sa.Column("id", sa.String(10), primary_key=True),
    sa.Column("owner", sa.String(10)),
    sa.Column("name", sa.String(10)),
    sa.Column("at", UTCDateTime),
)
T0 = datetime(2026, 1, 1, tzinfo=UTC)
PAGER = Pager(b"k" * 32)


@pytest.fixture
def session():
    engine = sa.create_engine("sqlite://")
    metadata.create_all(engine)
    with Session(engine) as session:
        session.execute(
            rows_table.insert(),
            [
                {
                    "id": f"r{n:02}",
                    "owner": "a" if n % 3 else "b",
                    "name": f"n{n % 4}",
                    "at": T0 + timedelta(minutes=n // 2),
                }
                for n in range(30)
            ],
        )
        yield session


def walk(session, order, limit, scope="rows", owner="a"):
    query = sa.select(rows_table.c.id).where(rows_table.c.owner == owner)
    seen, cursor = [], None
    while True:
        page, cursor = PAGER.page(session, query, order, limit, cursor, scope)
        assert len(page) <= limit
        seen += page
        if cursor is None:
            return seen


@pytest.mark.parametrize("limit", [1, 4, 7, 19, 20, 200])
def test_pages_follow_the_order_with_the_id_breaking_ties(session, limit):
    c = rows_table.c
    expected = [
        r.id
        for r in session.execute(
            sa.select(c.id).where(c.owner == "a").order_by(c.at.desc(), c.id.desc())
        )
    ]
    assert walk(session, [desc(c.at), desc(c.id)], limit) == expected
    expected = [
        r.id for r in session.execute(sa.select(c.id).where(c.owner == "a").order_by(c.name, c.id))
    ]
    assert walk(session, [asc(c.name), asc(c.id)], limit) == expected


@pytest.mark.parametrize("direction", [asc, desc])
def test_a_long_run_of_one_moment_pages_by_the_id(session, direction):
    c = rows_table.c
    session.execute(
        rows_table.insert(),
        [{"id": f"s{n:04}", "owner": "same", "name": "x", "at": T0} for n in range(500)],
    )
    found = walk(session, [direction(c.at), direction(c.id)], 7, owner="same")
    assert found == sorted(found, reverse=direction is desc) and len(set(found)) == 500


def test_an_order_of_mixed_directions_is_refused(session):
    c = rows_table.c
    with pytest.raises(ValueError):
        PAGER.page(session, sa.select(c.id), [desc(c.at), asc(c.id)], 5, None, "rows")


def test_only_the_querys_rows_appear(session):
    c = rows_table.c
    assert all(int(i[1:]) % 3 == 0 for i in walk(session, [desc(c.at), desc(c.id)], 3, owner="b"))


def test_an_edited_cursor_or_one_of_another_list_is_refused(session):
    c = rows_table.c
    query = sa.select(rows_table).where(c.owner == "a")
    order = [desc(c.at), desc(c.id)]
    _page, cursor = PAGER.page(session, query, order, 2, None, "rows:a")
    sealed = bytearray(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    sealed[20] ^= 1  # one bit of the sealed sort key
    edited = base64.urlsafe_b64encode(bytes(sealed)).decode().rstrip("=")
    plain = (
        base64.urlsafe_b64encode(json.dumps(["2026-01-01T00:00:00+00:00", "r9"]).encode())
        .decode()
        .rstrip("=")
    )
    for bad in (edited, plain, cursor[:-4], cursor + "A", "x.y", "A" * 5000, cursor.upper()):
        with pytest.raises(ValidationFailed) as raised:
            PAGER.page(session, query, order, 2, bad, "rows:a")
        assert list(raised.value.details) == ["cursor"]
    for other_scope, other_pager in (("rows:b", PAGER), ("rows:a", Pager(b"o" * 32))):
        with pytest.raises(ValidationFailed):
            other_pager.page(session, query, order, 2, cursor, other_scope)


@pytest.mark.parametrize("limit", [0, 201, "5", None])
def test_a_limit_out_of_range_is_refused(session, limit):
    with pytest.raises(ValidationFailed) as raised:
        PAGER.page(session, sa.select(rows_table), [asc(rows_table.c.id)], limit, None, "x")
    assert list(raised.value.details) == ["limit"]


def test_rows_added_between_pages_are_neither_repeated_nor_skipped(session):
    c = rows_table.c
    query, order = sa.select(c.id).where(c.owner == "a"), [desc(c.at), desc(c.id)]
    before = {r.id for r in session.execute(query)}
    first, cursor = PAGER.page(session, query, order, 5, None, "rows")
    session.execute(
        rows_table.insert(),
        [
            {"id": f"new{n}", "owner": "a", "name": "x", "at": T0 + timedelta(days=1)}
            for n in range(5)
        ],
    )
    seen = list(first)
    while cursor:
        page, cursor = PAGER.page(session, query, order, 5, cursor, "rows")
        seen += page
    assert len(seen) == len(set(seen)) and set(seen) == before


def test_the_key_comes_from_the_config_or_a_key_file_made_once(tmp_path, monkeypatch):
    monkeypatch.setenv("KLUIS_VAR", str(tmp_path))
    made = Pager.from_config({"PAGING_KEY": ""}, "dossier")
    assert Pager.from_config({}, "dossier").key == made.key
    assert (tmp_path / "keys" / "dossier-paging.key").stat().st_mode & 0o077 == 0
    assert Pager.from_config({}, "documents").key != made.key
    given = base64.b64encode(b"g" * 32).decode()
    assert Pager.from_config({"PAGING_KEY": given}, "dossier").key == b"g" * 32
    for bad in ("not base64!", base64.b64encode(b"short").decode()):
        with pytest.raises(ValueError):
            Pager.from_config({"PAGING_KEY": bad}, "dossier")


def test_a_cursor_does_not_show_the_sort_key(session):
    """A list sorted by name would otherwise put people's names into URLs (and so into
    access logs): the cursor is encrypted, not only signed."""
    c = rows_table.c
    query = sa.select(rows_table).where(c.owner == "a")
    _page, cursor = PAGER.page(session, query, [asc(c.id)], 1, None, "rows:a")
    raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
    first = session.execute(query.order_by(c.id).limit(1)).one()
    assert first.id.encode() not in raw and first.id.encode() not in cursor.encode()
    assert PAGER.page(session, query, [asc(c.id)], 1, cursor, "rows:a")[0] != [tuple(first)]


def test_a_list_sorted_in_memory_pages_with_the_same_cursor_contract():
    """page_in_memory: for an order the database cannot know (a sealed name): every item
    once, in order, rows added between pages neither repeated nor skipped, a cursor of
    another list or an edited one refused, the sort key not shown."""
    items = [("Bas", "3"), ("ada", "2"), ("Ada", "9"), ("Ada", "1"), ("Cor", "4")]
    seen, cursor = [], None
    while True:
        page, cursor = PAGER.page_in_memory(items, lambda i: i, 2, cursor, scope="people:")
        seen += page
        if cursor is None:
            break
        assert "Ada" not in cursor and "Bas" not in cursor
        if len(seen) == 2:
            items = [*items, ("Aap", "0"), ("Dirk", "5")]  # before the cursor, after it
    assert seen == [
        ("Ada", "1"),
        ("Ada", "9"),
        ("Bas", "3"),
        ("Cor", "4"),
        ("Dirk", "5"),
        ("ada", "2"),
    ]
    _page, cursor = PAGER.page_in_memory(items, lambda i: i, 1, None, scope="people:")
    for bad, scope in ((cursor, "people:x"), (cursor[:-2] + "AA", "people:"), ("x", "people:")):
        with pytest.raises(ValidationFailed):
            PAGER.page_in_memory(items, lambda i: i, 1, bad, scope=scope)
    with pytest.raises(ValidationFailed):
        PAGER.page_in_memory(items, lambda i: i, 0, None, scope="people:")


def test_a_list_sorted_in_the_service_pages_with_the_same_contract():
    """Pager.page_in_memory, as identity's staff list uses it: a list whose sort key is sealed in the database (a name) is sorted
    here; its pages neither repeat nor skip, and its cursor is as opaque and as checked."""
    people = [(part, name, f"id-{n}") for n, (part, name) in enumerate(
        [(1, "Bram"), (0, "Zoë"), (0, "Anna"), (0, "Anna"), (1, "Aart"), (0, "Karel")]
    )]  # fmt: skip
    seen, cursor = [], None
    while True:
        page, cursor = PAGER.page_in_memory(people, lambda p: p, 2, cursor, scope="staff:o1")
        seen += page
        assert len(page) <= 2
        if cursor is None:
            break
        assert "Anna" not in base64.urlsafe_b64decode(cursor + "==").decode(errors="replace")
    assert seen == sorted(people)
    _first, cursor = PAGER.page_in_memory(people, lambda p: p, 2, None, scope="staff:o1")
    with pytest.raises(ValidationFailed):  # another office's list
        PAGER.page_in_memory(people, lambda p: p, 2, cursor, scope="staff:o2")
    with pytest.raises(ValidationFailed):  # edited
        PAGER.page_in_memory(people, lambda p: p, 2, cursor[:-2] + "AA", scope="staff:o1")
    with pytest.raises(ValidationFailed):
        PAGER.page_in_memory(people, lambda p: p, 0, None, scope="staff:o1")
    assert PAGER.page_in_memory([], lambda p: p, 5, cursor, scope="staff:o1") == ([], None)


def test_names_sorted_in_the_service_follow_a_readers_order():
    """name_order: the lists sorted in the service (sealed names) sort as the database's
    collation did, without case or accents, not by code point (which put "Zwart" before
    "de Vries" and "Émile" after "Zwart")."""
    names = ["Zwart", "de Vries", "Émile", "Ömer", "van Dijk", "anna", "Bert"]
    assert sorted(names, key=name_order) == [
        "anna",
        "Bert",
        "de Vries",
        "Émile",
        "Ömer",
        "van Dijk",
        "Zwart",
    ]
    assert name_order(None) == ""
