"""Sealing what documents wrote before its fields were sealed (migration 0011): the titles
and file names of documents, the names of uploads, the descriptions and reasons of
document requests still in plain text get sealed under their client's field key, a batch
at a time, by one instance at a time (the service's timer and its lease). The work is
services/common/field_backfill.py's; its state is row "sealed_fields" of
`field_backfill` (migration 0012).

A client that was erased (their field key destroyed, or their blob keys shredded before
field keys existed) gets no key: their values still in plain text are blanked instead
(shred_client blanks them too, client_keys.py)."""

from sqlalchemy import select

from services.common.field_backfill import BATCH, BATCHES_PER_ROUND, SealingBackfill, state_row

from .models import ClientFieldKey, ClientKey, Document, DocumentRequest, FieldBackfill, Upload

BACKFILL = "sealed_fields"


def _shredded_clients(session, owners):
    """Clients whose blob keys were shredded (client_keys.shred), e.g. before documents
    had field keys (then they have none to be destroyed)."""
    return session.scalars(
        select(ClientKey.client_id).where(
            ClientKey.client_id.in_(owners), ClientKey.wrapped.is_(None)
        )
    )


SEALING = SealingBackfill(
    service="documents",
    models=(Document, Upload, DocumentRequest),
    key_model=ClientFieldKey,
    state=state_row(FieldBackfill, BACKFILL),
    blank_erased=True,
    erased_owners=_shredded_clients,
)


def backfill(store, batches=BATCHES_PER_ROUND, size=BATCH):
    """Up to `batches` batches; -> whether it is done."""
    return SEALING.backfill(store, batches, size)


def restart(session):
    """Have the backfill run again from the start (a tool's or a test's)."""
    SEALING.restart(session)
