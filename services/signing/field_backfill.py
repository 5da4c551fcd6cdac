"""Sealing what signing wrote before its fields were sealed (migration 0006): the title,
signer's name, e-mail address and evidence of signing requests still in plain text get
sealed under the key of the signer's client record (`signer_client_id`), a batch at a
time, by one instance at a time (the service's timer and its lease). The work is
services/common/field_backfill.py's; its state is row "sealed_fields" of
`field_backfill` (migration 0007).

A signer whose key was destroyed (erase_signer) gets no new one: their values still in
plain text are blanked instead (erase_signer blanks them too, erasure.py)."""

from services.common.field_backfill import BATCH, BATCHES_PER_ROUND, SealingBackfill, state_row

from .models import FieldBackfill, SignerFieldKey, SigningRequest

BACKFILL = "sealed_fields"

SEALING = SealingBackfill(
    service="signing",
    models=(SigningRequest,),
    key_model=SignerFieldKey,
    state=state_row(FieldBackfill, BACKFILL),
    blank_erased=True,
)


def backfill(store, batches=BATCHES_PER_ROUND, size=BATCH):
    """Up to `batches` batches; -> whether it is done."""
    return SEALING.backfill(store, batches, size)


def restart(session):
    """Have the backfill run again from the start (a tool's or a test's)."""
    SEALING.restart(session)
