"""Sealing what was written before dossier's personal fields were sealed (migration
0014): the rows of clients, products, messages and questionnaires whose sealed columns
still hold plain text get them sealed under their owner's field key, and their blind
indexes filled, a batch at a time, by one instance at a time (the timer's lease). The
work is services/common/field_backfill.py's.

Resumable and idempotent: `backfills` row "sealed_fields" (made by the migration: a
database made before it has rows to seal) keeps the table and the last id done. A record
whose field key was destroyed (erased) keeps its placeholders as they are; its products',
messages' and questionnaires' values still in plain text (erased before the backfill got
to them) are blanked. So are those of a client erased before this release (erased_at
set, no key to destroy then, nor for its extra accounts): they get a destroyed key."""

from sqlalchemy import or_, select
from sqlalchemy.orm import aliased

from services.common import field_backfill
from services.common.field_backfill import BATCH, BATCHES_PER_ROUND, state_row

from .models import (
    Backfill,
    Client,
    ClientFieldKey,
    ClientRetention,
    Message,
    Product,
    Questionnaire,
)

BACKFILL = "sealed_fields"
MODELS = (Client, Product, Message, Questionnaire)  # in this order


def _erased_clients(session, owners):
    """Records erased before field keys existed (the old erasure blanked the record and
    set ClientRetention.erased_at, but had no key to destroy): the client's own, or its
    company's for an extra account."""
    own = select(ClientRetention.client_id).where(ClientRetention.erased_at.is_not(None))
    parent = aliased(Client)
    return session.scalars(
        select(Client.id)
        .outerjoin(parent, parent.id == Client.parent_id)
        .where(
            Client.id.in_(owners),
            or_(Client.id.in_(own), parent.id.in_(own)),
        )
    )


SEALING = field_backfill.SealingBackfill(
    service="dossier",
    models=MODELS,
    key_model=ClientFieldKey,
    state=state_row(Backfill, BACKFILL),
    blank_erased=(Product, Message, Questionnaire),
    erased_owners=_erased_clients,
)


def pending(session):
    """Whether rows written before sealing are left to seal (the backfill's row not done):
    until then a look-up by blind index misses them and must compare them as they are."""
    row = session.get(Backfill, BACKFILL)
    return row is not None and row.done_at is None


def backfill(store, batches=BATCHES_PER_ROUND, size=BATCH):
    """Up to `batches` batches; -> whether it is done."""
    return SEALING.backfill(store, batches, size)


def restart(session):
    """Have the backfill run again from the start (a tool's or a test's)."""
    SEALING.restart(session)
