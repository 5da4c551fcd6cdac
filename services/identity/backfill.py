"""Accounts written before their fields were sealed (migration 0012) are sealed in the
background, a batch at a time, by one instance at a time (a lease); until then they
are still found by their plain e-mail address or number (lookup.py).

Idempotent and safe to stop at any point: a batch is one transaction, and what is
left to do is read from the rows themselves (an account whose e-mail address has no
blind index yet), not remembered anywhere. An account whose blind index clashes with
another's (two legacy addresses differing only in case or spaces: the unique index) is
left unsealed, logged by its id, and the batch goes on (field_backfill.seal_row)."""

from sqlalchemy import select

from services.common.field_backfill import seal_row

from .models import Account

BATCH = 200
MAX_BATCHES = 25  # a round; the rest waits for the next tick (workers get their turn)
SEALED = ("email", "name", "mobile", "second_factor_secret")


def seal_old_accounts_once(store, batch=BATCH, max_batches=MAX_BATCHES):
    """Seal up to `max_batches` batches when this instance holds the lease. -> how many
    accounts were sealed (0 when another instance holds it)."""
    sealed = 0
    with store.lease("seal_accounts") as held:
        if not held:
            return 0
        after = ""  # past the accounts that could not be sealed this round
        for _ in range(max_batches):
            with store.unit_of_work() as uow:
                seen, done, after = _seal_batch(uow, batch, after)
            sealed += done
            if seen < batch:
                break
    return sealed


def _seal_batch(uow, batch, after):
    """-> (accounts looked at, sealed, the last id looked at)."""
    accounts = uow.session.scalars(
        select(Account)
        .where(Account.email_index.is_(None), Account.email_sealed != "", Account.id > after)
        .order_by(Account.id)
        .limit(batch)
        .with_for_update(of=Account)
    ).all()
    sealed = 0
    for account in accounts:
        sealed += seal_row(uow.session, account, lambda account=account: _seal(account))
    return len(accounts), sealed, accounts[-1].id if accounts else after


def _seal(account):
    for name in SEALED:
        # read as stored (plain), written back: sealed by the flush, index filled
        setattr(account, name, getattr(account, name))
