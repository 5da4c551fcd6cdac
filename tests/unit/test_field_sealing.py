"""Sealed personal fields (services/common/field_sealing.py, sealed_columns.py): what the
database holds is sealed under the owner's key, the code reads plain text, destroying the
key erases every field of its owner, and a plain query on a sealed column is refused."""

import base64

import pytest
import sqlalchemy as sa
from sqlalchemy import select, text
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

from services.common.field_sealing import (
    FieldDamaged,
    FieldKeyring,
    FieldKeyShredded,
    open_sealed,
    seal,
    sealed_length,
)
from services.common.sealed_columns import (
    KEYRING,
    FieldKeyColumns,
    SealedJSON,
    SealedText,
    blind_email,
    field_key_relationship,
    key_for_owner,
    read_opened,
    shred_owner,
)

RING = FieldKeyring({"k1": bytes(range(32))}, "k1", b"i" * 32)


class Base(DeclarativeBase):
    pass


class PersonKey(FieldKeyColumns, Base):
    __tablename__ = "person_keys"


class Person(Base):
    __tablename__ = "people"
    __field_key__ = PersonKey

    id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)
    city: Mapped[str] = mapped_column(sa.String(50), default="")
    name_sealed = mapped_column("name", sa.Text, nullable=False)
    name = SealedText("name_sealed")
    email_sealed = mapped_column("email", sa.Text, nullable=True)
    email_index = mapped_column(sa.String(64), nullable=True, index=True)
    email = SealedText("email_sealed", index="email_index", normalise=str.lower)
    notes_sealed = mapped_column("notes", sa.Text, nullable=True)
    notes = SealedJSON("notes_sealed", erased={})
    field_key = field_key_relationship(PersonKey, "Person.id")

    def field_owner(self):
        return self.id


@pytest.fixture
def engine():
    engine = sa.create_engine("sqlite://")
    Base.metadata.create_all(engine)
    return engine


def session(engine, keyring=RING):
    return Session(engine, expire_on_commit=False, info={KEYRING: keyring} if keyring else {})


def add_ada(engine):
    with session(engine) as s, s.begin():
        s.add(Person(id="p1", name="Ada Lovelace", email="Ada@Example.nl", city="Delft"))


def test_the_database_holds_sealed_text_and_the_code_reads_plain(engine):
    add_ada(engine)
    with engine.connect() as raw:
        name, email, index = raw.execute(text("SELECT name, email, email_index FROM people")).one()
    assert name.startswith("s1.") and "Ada" not in name and "Ada" not in email
    assert index == RING.blind_email("ada@example.nl")
    with session(engine) as s:
        person = s.get(Person, "p1")
    assert (person.name, person.email, person.city) == ("Ada Lovelace", "Ada@Example.nl", "Delft")


def test_a_change_is_sealed_again_and_found_by_its_blind_index(engine):
    add_ada(engine)
    with session(engine) as s, s.begin():
        s.get(Person, "p1").email = "ada@kluis.example"
    with session(engine) as s:
        found = s.scalars(
            select(Person).where(Person.email_index == blind_email(s, " ADA@kluis.example "))
        ).one()
        assert found.email == "ada@kluis.example"


def test_a_plain_query_on_a_sealed_attribute_is_refused():
    with pytest.raises(TypeError, match="Person.email is sealed"):
        select(Person).where(Person.email == "ada@example.nl")


def test_destroying_the_key_erases_every_field_of_its_owner(engine):
    add_ada(engine)
    with engine.connect() as raw:
        sealed_name = raw.execute(text("SELECT name FROM people")).scalar()
    with session(engine) as s, s.begin():
        assert shred_owner(s, PersonKey, "p1") is True
        assert shred_owner(s, PersonKey, "p1") is False  # idempotent
    with session(engine) as s:
        person = s.get(Person, "p1")
        assert person.name == "" and person.city == "Delft"
        with pytest.raises(FieldKeyShredded):
            key_for_owner(s, PersonKey, "p1")
    with pytest.raises(FieldKeyShredded), session(engine) as s, s.begin():
        s.get(Person, "p1").name = "Ada again"  # nothing new is sealed for an erased owner
        s.flush()
    # a copy of the sealed value (a backup) cannot be opened: its wrapped key is gone
    with engine.connect() as raw:
        assert raw.execute(text("SELECT wrapped FROM person_keys")).scalar() is None
    assert sealed_name.startswith("s1.")


def test_an_owner_shredded_before_any_key_never_gets_one(engine):
    with session(engine) as s, s.begin():
        assert shred_owner(s, PersonKey, "p9") is False
    with pytest.raises(FieldKeyShredded), session(engine) as s, s.begin():
        s.add(Person(id="p9", name="Late"))
        s.flush()


def test_a_sealed_value_is_bound_to_its_row_and_column(engine):
    add_ada(engine)
    with session(engine) as s, s.begin():
        s.add(Person(id="p2", name="Grace Hopper"))
    with engine.begin() as raw:  # an administrator copies Ada's sealed name onto p2
        ada = raw.execute(text("SELECT name FROM people WHERE id='p1'")).scalar()
        raw.execute(text("UPDATE people SET name=:n WHERE id='p2'"), {"n": ada})
    with session(engine) as s, pytest.raises(FieldDamaged):
        _ = s.get(Person, "p2").name


def test_empty_values_and_rows_from_before_sealing_read_as_they_are(engine):
    with engine.begin() as raw:
        raw.execute(text("INSERT INTO people (id, city, name) VALUES ('old', '', 'Old Name')"))
    with session(engine) as s, s.begin():
        s.add(Person(id="p3", name="Someone", email=None))
        old = s.get(Person, "old")
        assert old.name == "Old Name" and old.email is None
    with session(engine) as s:
        assert s.get(Person, "p3").email is None


def test_a_session_without_a_keyring_refuses_to_write_plain_text(engine):
    with pytest.raises(RuntimeError), session(engine, keyring=None) as s, s.begin():
        s.add(Person(id="p4", name="No Keyring"))
        s.flush()


def test_seal_and_open_need_the_same_key_and_context():
    key, _kek, _wrapped = RING.new_key()
    other, _kek, _wrapped = RING.new_key()
    sealed = seal(key, "Ümit Öztürk", "people.name:p1")
    assert open_sealed(key, sealed, "people.name:p1") == "Ümit Öztürk"
    for wrong_key, context in ((other, "people.name:p1"), (key, "people.name:p2")):
        with pytest.raises(FieldDamaged):
            open_sealed(wrong_key, sealed, context)
    assert len(seal(key, "é" * 200, "c")) <= sealed_length(200)


def test_the_keyring_comes_from_settings_or_from_files_made_once(tmp_path):
    first = FieldKeyring.from_settings("", "", "", tmp_path)
    second = FieldKeyring.from_settings(None, None, None, tmp_path)
    key, kek_id, wrapped = first.new_key()
    assert second.open_key(kek_id, key.id, wrapped) == key
    assert first.blind("x") == second.blind("x")
    k1 = base64.b64encode(b"a" * 32).decode()
    k2 = base64.b64encode(b"b" * 32).decode()
    ring = FieldKeyring.from_settings(f"k1:{k1},k2:{k2}", "", k1, tmp_path)
    assert ring.active_id == "k2" and "a" * 10 not in repr(ring)
    for keys, active, index, message in (
        ("k1:bad", "", "", "FIELD_KEYS"),
        (f"k1:{k1}", "k3", "", "FIELD_KEY_ID"),
        (f"k1:{k1}", "", "c2hvcnQ=", "FIELD_INDEX_KEY"),
    ):
        with pytest.raises(ValueError, match=message):
            FieldKeyring.from_settings(keys, active, index, tmp_path)


def test_a_json_value_is_sealed_as_its_text_and_reads_as_erased_once_the_key_is_gone(engine):
    with session(engine) as s, s.begin():
        s.add(Person(id="p5", name="Ada", notes={"income": 51000, "employer": "Bakkerij"}))
    with engine.connect() as raw:
        stored = raw.execute(text("SELECT notes FROM people WHERE id='p5'")).scalar()
    assert stored.startswith("s1.") and "Bakkerij" not in stored
    with session(engine) as s, s.begin():
        person = s.get(Person, "p5")
        assert person.notes == {"income": 51000, "employer": "Bakkerij"}
        person.notes["income"] = 0  # a new object each read: changed by assignment only
        assert person.notes["income"] == 51000
        person.notes = {**person.notes, "income": 52000}
    with session(engine) as s, s.begin():
        assert s.get(Person, "p5").notes["income"] == 52000
        shred_owner(s, PersonKey, "p5")
    with session(engine) as s:
        assert s.get(Person, "p5").notes == {}
    with engine.begin() as raw:  # written before sealing: plain JSON text reads as it is
        raw.execute(
            text("""INSERT INTO people (id, city, name, notes) VALUES ('o', '', 'O', '[1]')""")
        )
    with session(engine) as s:
        assert s.get(Person, "o").notes == [1]


def test_rows_read_opened_as_columns_read_as_the_attributes_do(engine):
    """read_opened: for a list that opens every visible row (sealed_columns.py)."""
    add_ada(engine)
    with session(engine) as s, s.begin():
        s.add(Person(id="p2", name="Grace Hopper", email="grace@example.nl"))
    with engine.begin() as raw:
        raw.execute(text("INSERT INTO people (id, city, name) VALUES ('old', '', 'Old Name')"))
    with session(engine) as s, s.begin():
        shred_owner(s, PersonKey, "p2")
    with session(engine) as s:
        opened = dict(read_opened(s, Person, ("name", "email"), Person.id, Person.id != "x"))
        for person_id in ("p1", "p2", "old"):
            person = s.get(Person, person_id)
            assert opened[person_id] == {"name": person.name, "email": person.email}
    assert opened["p1"] == {"name": "Ada Lovelace", "email": "Ada@Example.nl"}
    assert opened["p2"] == {"name": "", "email": ""}


def test_a_pending_text_is_not_read_once_a_rollback_put_the_stored_value_back(engine):
    add_ada(engine)
    with session(engine) as s:
        person = s.get(Person, "p1")
        person.name = "Ada Byron"
        assert person.name == "Ada Byron"  # pending until the flush
        s.rollback()  # the change is undone: the column holds the sealed stored value again
        assert person.name == "Ada Lovelace"


def test_the_keyring_keeps_many_opened_keys_and_forgets_a_shredded_one(engine):
    ring = FieldKeyring({"k1": bytes(range(32))}, "k1", b"i" * 32)
    assert ring.CACHE_SIZE >= 65536  # an office's clients on one list: all hits
    add_ada_with = Person(id="p1", name="Ada Lovelace")
    with session(engine, ring) as s, s.begin():
        s.add(add_ada_with)
    with session(engine, ring) as s:
        person = s.get(Person, "p1")
        assert person.name == "Ada Lovelace"
        key_id = person.field_key.id
    assert ring.cached(key_id)
    with session(engine, ring) as s, s.begin():
        assert shred_owner(s, PersonKey, "p1") is True
    assert not ring.cached(key_id)  # the destroyed key does not linger in memory

    small = FieldKeyring({"k1": bytes(range(32))}, "k1", b"i" * 32)
    small.CACHE_SIZE = 2
    stored = [small.new_key() for _ in range(3)]
    for key, kek_id, wrapped in stored:
        assert small.open_key(kek_id, key.id, wrapped) == key
    assert [small.cached(key.id) for key, _k, _w in stored] == [False, True, True]
