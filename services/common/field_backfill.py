"""Sealing what a service wrote before its personal fields were sealed (issue #18): the
rows whose sealed columns still hold plain text get them sealed under their owner's field
key (services/common/sealed_columns.py), and their blind indexes filled, a batch at a
time, by one instance at a time (`round`, the service's timer, holds a lease). dossier, documents
and signing each run one (`SealingBackfill`, in their field_backfill.py).

- Resumable: the service keeps a state row (`cursor`, `done_at`): dossier its
  `backfills` row, documents and signing a row of `field_backfill` (`BackfillColumns`),
  made by the migration that adds the table. The cursor is "<table>:<last id done>"; the
  tables are walked in the order given, each by id.
- Idempotent: a value that is sealed already (with its blind index) is left as it is, so a
  batch done twice changes nothing.
- A row that cannot be sealed because its blind index clashes with another row's (a
  unique index: two legacy e-mail addresses differing only in case or spaces) is sealed
  in a savepoint of its own: it stays unsealed, its id is logged (nothing personal) and
  counted in `UNSEALED`, and the batch goes on.
- The rows of a batch are locked (FOR UPDATE of the model's table alone: the key row is
  loaded beside them by another query) while they are sealed: a request changing one
  waits, and its value is not overwritten by the backfill's older reading.
- An owner whose field key was destroyed (erased), or whom the service knows as erased
  otherwise (`erased_owners`: then their key is destroyed, or a destroyed one made), gets
  no new key and nothing sealed. With `blank_erased`
  their values left in plain text are blanked (None, or "" where the column must have a
  value): an erased person keeps nothing readable. `blank_erased` may name the models
  whose rows are blanked: dossier's erasure writes placeholders into the client record,
  in plain text on purpose, which stay; its messages, answers and numbers are blanked."""

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column

from .db import UTCDateTime, utcnow
from .field_sealing import PREFIX, is_sealed
from .sealed_columns import sealed_attributes, shred_owner

log = logging.getLogger(__name__)

BATCH = 200
BATCHES_PER_ROUND = 50  # then the timer's next round goes on (the lease is let go)
UNSEALED: dict[str, int] = {}  # rows left unsealed (blind index clash) by table, this process


class BackfillColumns:
    """The columns of a service's backfill state table (`class FieldBackfill(BackfillColumns,
    Base): __tablename__ = "field_backfill"`): a row per backfill, `cursor` where the
    next batch starts (None: the start), `done_at` once it is complete."""

    name: Mapped[str] = mapped_column(sa.String(50), primary_key=True)
    cursor: Mapped[str | None] = mapped_column(sa.String(100), nullable=True)
    done_at = mapped_column(UTCDateTime, nullable=True)


def state_row(model, name):
    """-> the state accessor of a `SealingBackfill` that keeps its state in row `name` of
    `model` (read locked; None when the row is not there: nothing to do)."""

    def state(session):
        return session.get(model, name, with_for_update=True)

    return state


@dataclass(frozen=True)
class SealingBackfill:
    """One service's backfill. `models`: the models with sealed fields, in the order they
    are done (each has `__field_key__` = `key_model`, `field_owner()` and a string `id`);
    `state(session)` -> the locked object with `cursor` and `done_at` (None: nothing to
    do); `erased_owners(session, owners)` -> those of `owners` that are erased though
    their field key was not destroyed (e.g. documents' clients shredded before the field
    keys existed); `blank_erased`: True, or the models among `models` whose rows of an
    erased owner have their plain values blanked."""

    service: str
    models: tuple[Any, ...]
    key_model: Any
    state: Callable[[Session], Any]
    blank_erased: bool | tuple[Any, ...] = False
    erased_owners: Callable[[Session, set], Iterable[str]] | None = None

    def round(self, store):
        """The service's timer `backfill_sealed_fields`: up to BATCHES_PER_ROUND batches,
        by one instance at a time (the lease of that name); a no-op once done."""
        with store.lease("backfill_sealed_fields") as held:
            if held:
                self.backfill(store)

    def backfill(self, store, batches=BATCHES_PER_ROUND, size=BATCH):
        """Up to `batches` batches, each in its own unit of work -> whether it is done.
        `store`: anything with unit_of_work() (the service's, a test's)."""
        for _ in range(batches):
            with store.unit_of_work() as uow:
                state = self.state(uow.session)
                if state is None or state.done_at is not None:
                    return True
                state.cursor = self.seal_batch(uow.session, state.cursor, size)
                if state.cursor is None:
                    state.done_at = utcnow()
                    log.info(
                        "%s: the personal fields written before sealing are sealed", self.service
                    )
                    return True
        return False

    def seal_batch(self, session, cursor, size=BATCH):
        """Seal the next `size` rows after `cursor` ("<table>:<last id>"; None: the start)
        -> the cursor after them, None once every table is done."""
        by_name = {model.__tablename__: model for model in self.models}
        table, _colon, after = (cursor or f"{self.models[0].__tablename__}:").partition(":")
        model = by_name[table]
        query = select(model).where(model.id > after).order_by(model.id).limit(size)
        rows = session.scalars(query.with_for_update(of=model)).all()
        erased = self._erased(session, {row.field_owner() for row in rows})
        attributes = sealed_attributes(model)
        blank = self.blank_erased is True or model in (self.blank_erased or ())
        for row in rows:
            if row.field_owner() in erased:
                if blank:
                    _blank_row(row, attributes)
                continue
            seal_row(session, row, lambda row=row: _seal_fields(row, model, attributes))
        session.flush()
        if len(rows) == size:
            return f"{table}:{rows[-1].id}"
        following = self.models.index(model) + 1
        return f"{self.models[following].__tablename__}:" if following < len(self.models) else None

    def restart(self, session):
        """Have the backfill run again from the start (a tool's or a test's)."""
        state = self.state(session)
        if state is not None:
            state.cursor, state.done_at = None, None

    def _erased(self, session, owners):
        if not owners:
            return set()
        key = self.key_model
        erased = set(
            session.scalars(
                select(key.owner_id).where(key.owner_id.in_(owners), key.wrapped.is_(None))
            )
        )
        if self.erased_owners is not None:
            for owner in set(self.erased_owners(session, owners - erased)):
                shred_owner(session, key, owner)  # none is made for them later
                erased.add(owner)
        return erased


def _seal_fields(row, model, attributes):
    for attribute in attributes:
        stored = getattr(row, attribute.column)
        index_missing = attribute.index and getattr(row, attribute.index) is None
        if stored and (not is_sealed(stored) or index_missing):
            attribute.__set__(row, attribute.__get__(row, model))  # sealed at the flush


def seal_row(session, row, seal) -> bool:
    """Run `seal()` (which sets `row`'s sealed fields) and flush it in a savepoint ->
    whether it was sealed. A row whose blind index clashes with another's (two legacy
    e-mail addresses differing only in case or spaces: the unique index) stays unsealed,
    logged by its id alone, and the batch goes on, rather than failing every round."""
    try:
        with session.begin_nested():
            seal()
            session.flush()
    except IntegrityError:
        log.warning(
            "%s %s: not sealed, its blind index clashes with another row's (left as it is)",
            type(row).__tablename__,
            row.id,
        )
        UNSEALED[type(row).__tablename__] = UNSEALED.get(type(row).__tablename__, 0) + 1
        return False
    return True


def _blank(model, attribute):
    """-> what a sealed attribute's column holds once blanked: None, or "" when the
    column must have a value."""
    return None if model.__mapper__.attrs[attribute.column].columns[0].nullable else ""


def _blank_row(row, attributes):
    for attribute in attributes:
        stored = getattr(row, attribute.column)
        if stored and not is_sealed(stored):
            setattr(row, attribute.column, _blank(type(row), attribute))
            if attribute.index:
                setattr(row, attribute.index, None)


def blank_plain(session, model, *where):
    """Blank the values of `model`'s sealed fields that are still plain text (written
    before sealing) in the rows matching `where` (an erasure: the owner's key is destroyed,
    which erases only what was sealed under it) -> how many values were blanked. Sealed
    values are left: they no longer open."""
    blanked = 0
    for attribute in sealed_attributes(model):
        column = getattr(model, attribute.column)
        values: dict[Any, Any] = {column: _blank(model, attribute)}
        if attribute.index:
            values[getattr(model, attribute.index)] = None
        result = session.execute(
            update(model)
            .where(*where, column.is_not(None), column != "", column.not_like(f"{PREFIX}%"))
            .values(values)
            .execution_options(synchronize_session=False)
        )
        blanked += result.rowcount
    return blanked
