"""Sealed text attributes on SQLAlchemy models: the code that uses a model reads and writes
`client.name` as plain text, the database only ever holds it sealed under the key of the
person it is about (field_sealing.py). Destroying that key (`shred_owner`) erases every
such field of the person, in the database and in every backup of it made afterwards
that lacks the key rows.

A model opts in with
    class Client(Base):
        __field_key__ = ClientFieldKey            # the service's key table (below)
        name_sealed = mapped_column("name", sa.Text)
        name = SealedText("name_sealed")
        email_sealed = mapped_column("email", sa.Text)
        email_index = mapped_column(sa.String(64), index=True, nullable=True)
        email = SealedText("email_sealed", index="email_index", normalise=str.lower)
        field_key = field_key_relationship(ClientFieldKey, "Client.id")
        def field_owner(self): return self.id   # whose key seals this row

- Writing `client.name = "Ada"` keeps the text pending on the object; the session's
  before-flush hook seals it under the owner's key (made on first use) and fills the
  blind-index column, so nothing is sealed without a flush and nothing plain reaches
  the database. None and "" are stored as they are (nothing personal to hide).
- Reading opens the sealed column with the key row loaded beside the object
  (`field_key_relationship`, selectin), so an object read in a unit of work can still be
  read after it closed. A value that is not sealed (written before sealing existed) is
  returned as it is; a value whose key was destroyed reads as "".
- `SealedJSON("evidence_sealed")`: the same for a JSON value (a dict), kept as sealed
  compact JSON text in a Text column.
- `Client.email` in a query is an error on purpose: compare the blind index
  (`Client.email_index == blind_email(session, address)`), or filter in Python.
- Locking such a row: `with_for_update(of=Client)` (`session.get(Client, id,
  with_for_update={"of": Client})`), or a bare FOR UPDATE: the key row is loaded by a
  query of its own (selectin), so neither locks it.
- Sealing reads the owner's key row FOR SHARE (PostgreSQL; SQLite serialises writes), so
  `shred_owner` waits for a write that is sealing under the live key, and a write after
  the shredding sees it destroyed: no fresh blind index is left on an erased person.

The keyring comes from the session: `session.info["field_keyring"]` (the service's
Store puts it there for every unit of work; tests and tools pass it to unit_of_work)."""

import copy
import functools
import json
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship
from sqlalchemy.orm.attributes import set_committed_value

from .db import UTCDateTime, utcnow
from .field_sealing import (
    FieldKey,
    FieldKeyShredded,
    is_sealed,
    open_sealed,
    seal,
)

KEYRING = "field_keyring"
_PENDING = "s1.pending"  # in the column until the flush seals the pending text
_STATE = "_sealed_state"  # on the instance: attribute -> (sealed value, text) or pending


class FieldKeyColumns:
    """The columns of a service's key table (declare `class ClientFieldKey(FieldKeyColumns,
    Base): __tablename__ = ...`): one key per owner; `wrapped` None once destroyed."""

    id: Mapped[str] = mapped_column(sa.String(32), primary_key=True)
    owner_id: Mapped[str] = mapped_column(sa.String(36), unique=True)
    kek_id: Mapped[str] = mapped_column(sa.String(32))
    wrapped: Mapped[bytes | None] = mapped_column(sa.LargeBinary(60), nullable=True)
    created_at = mapped_column(UTCDateTime, nullable=False)
    shredded_at = mapped_column(UTCDateTime, nullable=True)


def field_key_relationship(key_model, owner_column):
    """The owner's key row, loaded with the object: by one more query for all the objects
    a statement read (selectin), not by a join: PostgreSQL refuses FOR UPDATE on the
    nullable side of an outer join, and a locked read of a sealed record must work."""
    return relationship(
        key_model,
        primaryjoin=f"foreign({owner_column}) == {key_model.__name__}.owner_id",
        viewonly=True,
        lazy="selectin",
        uselist=False,
    )


class _ClassLevel:
    def __init__(self, owner, name):
        self._where = f"{owner.__name__}.{name}"

    def _refuse(self, *_args):
        raise TypeError(f"{self._where} is sealed: compare its blind index or filter in Python")

    __eq__ = __ne__ = __lt__ = __le__ = __gt__ = __ge__ = _refuse
    __hash__ = None  # type: ignore[assignment]

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        self._refuse()


class SealedText:
    """A text attribute kept sealed in the mapped column attribute `column`; `index`: the
    column that keeps its blind index, of the value after `normalise`."""

    def __init__(self, column, index=None, normalise=None):
        self.column = column
        self.index = index
        self.normalise = normalise or (lambda value: value)

    def __set_name__(self, owner, name):
        self.name = name

    def __get__(self, obj, owner=None) -> Any:
        if obj is None:
            return _ClassLevel(owner, self.name)
        state = obj.__dict__.setdefault(_STATE, {})
        stored = getattr(obj, self.column)
        known = state.get(self.name)
        # the text known for exactly what the column holds: a pending text only while the
        # column still holds the pending marker (not after a failed flush rolled it back)
        if known is not None and known[0] == stored:
            return known[1]
        if not is_sealed(stored):
            return stored  # None, "", or written before sealing
        try:
            key = _loaded_key(obj)
        except FieldKeyShredded:
            return ""
        text = open_sealed(key, stored, self.context(obj))
        state[self.name] = (stored, text)
        return text

    def __set__(self, obj, value):
        state = obj.__dict__.setdefault(_STATE, {})
        if value is None or value == "":
            state.pop(self.name, None)
            setattr(obj, self.column, value)
            if self.index:
                setattr(obj, self.index, None)
            return
        if not isinstance(value, str):
            raise TypeError(f"{self.name} is text, not {type(value).__name__}")
        state[self.name] = (_PENDING, value)
        setattr(obj, self.column, _PENDING)

    def context(self, obj):
        table = obj.__table__.name
        column = obj.__mapper__.attrs[self.column].columns[0].name
        row_id = obj.id
        if not row_id:
            raise ValueError(f"{table}: give the row its id before sealing its fields")
        return f"{table}.{column}:{row_id}"

    def seal_pending(self, obj, keyring, key):
        state = obj.__dict__.get(_STATE, {})
        known = state.get(self.name)
        if known is None or known[0] != _PENDING:
            return
        sealed = seal(key, known[1], self.context(obj))
        setattr(obj, self.column, sealed)
        state[self.name] = (sealed, known[1])
        if self.index:
            setattr(obj, self.index, keyring.blind(self.normalise(known[1].strip())))


class SealedJSON(SealedText):
    """A JSON value (dict, list, ...) kept sealed as its JSON text in the Text column
    `column`. Reading gives a new object each time: change it by assigning a new value
    (`q.answers = {**q.answers, **more}`), never in place. A value stored before sealing
    (plain JSON text) reads as it is; one whose key was destroyed reads as `erased`."""

    def __init__(self, column, erased=None):
        super().__init__(column)
        self.erased = erased

    def __get__(self, obj, owner=None) -> Any:
        if obj is None:
            return super().__get__(obj, owner)
        text = super().__get__(obj, owner)
        if text is None:
            return None
        if text == "":
            return copy.deepcopy(self.erased)
        return json.loads(text)

    def __set__(self, obj, value):
        text = None if value is None else json.dumps(value, ensure_ascii=False)
        super().__set__(obj, text)


@functools.cache  # a model's attributes never change; every flush asks (_seal_pending)
def sealed_attributes(model):
    return tuple(value for value in vars_all(model) if isinstance(value, SealedText))


def vars_all(model):
    seen = {}
    for klass in reversed(model.__mro__):
        seen.update(vars(klass))
    return list(seen.values())


def keyring_of(session):
    keyring = session.info.get(KEYRING)
    if keyring is None:
        raise RuntimeError("this session has no field keyring (session.info['field_keyring'])")
    return keyring


def blind_email(session, address):
    """The blind index of an e-mail address, to compare with an `..._index` column."""
    return keyring_of(session).blind_email(address)


def _loaded_key(obj) -> FieldKey:
    row = obj.field_key
    keyring = obj.__dict__.get(KEYRING)
    if row is None or keyring is None:
        raise RuntimeError(f"{type(obj).__name__} was read without its field key or keyring")
    return keyring.open_key(row.kek_id, row.id, row.wrapped)


def key_for_owner(session, key_model, owner_id, create=True):
    """-> the owner's FieldKey (made and added to the session on first use when `create`);
    FieldKeyShredded once destroyed: nothing new is sealed for an erased person."""
    keyring = keyring_of(session)
    with session.no_autoflush:
        row = session.scalar(_key_row(key_model, owner_id))
    if row is None:
        if not create:
            raise FieldKeyShredded()
        key, kek_id, wrapped = keyring.new_key()
        row = _insert_key(session, key_model, key.id, owner_id, kek_id, wrapped)
        if row.id == key.id:
            return row, key
    return row, keyring.open_key(row.kek_id, row.id, row.wrapped)


def _insert_key(session, key_model, key_id, owner_id, kek_id, wrapped):
    """The owner's new key row, written at once in a savepoint: when another transaction
    made the owner's key meanwhile (two first writes at once), that one is read instead
    (the unique owner_id) and this transaction goes on, rather than failing at commit."""
    values = dict(id=key_id, owner_id=owner_id, kek_id=kek_id, wrapped=wrapped)
    connection = session.connection()
    try:
        with connection.begin_nested():
            connection.execute(insert(key_model).values(**values, created_at=utcnow()))
    except IntegrityError:
        pass
    with session.no_autoflush:
        return session.scalars(_key_row(key_model, owner_id)).one()


def _key_row(key_model, owner_id):
    """The owner's key row, read FOR SHARE (a no-op on SQLite) and fresh from the database
    (not the copy a selectin load put in the session before): shredding waits for the
    writer that holds it, and a writer after the shredding sees `wrapped` None."""
    return (
        select(key_model)
        .where(key_model.owner_id == owner_id)
        .with_for_update(read=True)
        .execution_options(populate_existing=True)
    )


def shred_owner(session, key_model, owner_id):
    """Destroy the owner's key for good -> whether a live key was destroyed now
    (idempotent). An owner without a key gets a destroyed one, so none is made later; the
    session's keyring forgets the unwrapped key it may hold in memory."""
    keyring = session.info.get(KEYRING)
    if keyring is not None:
        for key_id in session.scalars(select(key_model.id).where(key_model.owner_id == owner_id)):
            keyring.forget(key_id)
    result = session.execute(
        update(key_model)
        .where(key_model.owner_id == owner_id, key_model.wrapped.is_not(None))
        .values(wrapped=None, shredded_at=utcnow())
    )
    if result.rowcount:
        return True
    if session.scalar(select(key_model.id).where(key_model.owner_id == owner_id)) is None:
        now = utcnow()
        session.add(
            key_model(
                id=FieldKey.new().id, owner_id=owner_id, kek_id="-", wrapped=None,
                created_at=now, shredded_at=now,
            )
        )  # fmt: skip
    return False


@event.listens_for(Session, "before_flush")
def _seal_pending(session, _flush_context, _instances):
    for obj in list(session.new) + list(session.dirty):
        attributes = sealed_attributes(type(obj)) if hasattr(obj, "__field_key__") else []
        pending = obj.__dict__.get(_STATE, {})
        if not any(pending.get(a.name, (None,))[0] == _PENDING for a in attributes):
            continue
        keyring = keyring_of(session)
        row, key = key_for_owner(session, obj.__field_key__, obj.field_owner())
        obj.__dict__[KEYRING] = keyring
        set_committed_value(obj, "field_key", row)
        for attribute in attributes:
            attribute.seal_pending(obj, keyring, key)


@event.listens_for(Session, "loaded_as_persistent")
def _remember_keyring(session, obj):
    if hasattr(obj, "__field_key__") and KEYRING in session.info:
        obj.__dict__[KEYRING] = session.info[KEYRING]


def read_opened(session, model, names, owner_column, where):
    """-> [(row id, {name: text})] of `model`'s rows matching `where`, their sealed
    attributes `names` opened, read as columns with their owners' key rows in one query
    (no ORM objects): for a list that opens every visible row to search and sort it, then
    loads only its page whole. Reads as the attributes do: a value from before sealing as
    it is, one whose key was destroyed as ""."""
    keyring = keyring_of(session)
    key_model = model.__field_key__
    by_name = {a.name: a for a in sealed_attributes(model)}
    attributes = [by_name[name] for name in names]
    columns = [getattr(model, a.column) for a in attributes]
    query = (
        select(model.id, *columns, key_model.id, key_model.kek_id, key_model.wrapped)
        .outerjoin(key_model, key_model.owner_id == owner_column)
        .where(where)
    )
    table = model.__table__.name
    opened = []
    for row in session.execute(query):
        row_id, stored = row[0], row[1 : 1 + len(columns)]
        key_id, kek_id, wrapped = row[1 + len(columns) :]
        key, texts = None, {}
        for attribute, column, value in zip(attributes, columns, stored, strict=True):
            if not is_sealed(value):
                texts[attribute.name] = value
            elif key_id is None or wrapped is None:
                texts[attribute.name] = ""
            else:
                key = key or keyring.open_key(kek_id, key_id, wrapped)
                context = f"{table}.{column.property.columns[0].name}:{row_id}"
                texts[attribute.name] = open_sealed(key, value, context)
        opened.append((row_id, texts))
    return opened
