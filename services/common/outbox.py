"""The outbox relay of a `Store` (services/common/store.py): what a unit of work recorded
with `uow.emit` or `uow.send` (services/common/unit_of_work.py) is published after the
commit, with publisher confirms, then marked sent. Any number of instances may share
the database: the relay claims the rows it publishes (docs/reliability.md). Sent rows
are deleted once they are older than `OUTBOX_KEEP_S` (`prune_outbox`): an event's
payload may name a person (an e-mail address), and nothing reads a sent row again."""

import json
import logging
import time
from datetime import timedelta

from nameko.events import get_event_exchange
from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from .db import utcnow
from .logs import REQUEST_ID_KEY
from .unit_of_work import COMMAND_EXCHANGE, command_queue

log = logging.getLogger(__name__)

PRUNE_EVERY_S = 600.0  # at most this often (sooner when OUTBOX_KEEP_S is shorter)


class OutboxRelay:
    """Mixed into `Store`, which sets `engine`, `outbox` (the table), `publisher`,
    `settings` (StoreSettings), `declare_commands`, `service_name` and `container`."""

    def relay_outbox(self):
        """Publish due outbox rows, each claimed first (so that no other instance
        publishes it too), in order within a claimed batch, each marked sent only after
        its confirm. A batch stops halfway through its claim (`RELAY_CLAIM_S`) and
        releases the rest, claimed again at once: a row is never published after its
        claim ran out, as long as one publish (kombu's retries included) takes less than
        half of it."""
        with self._relay_lock:
            while True:
                stop_at = time.monotonic() + self.settings.relay_claim_s / 2
                rows = self._claim_outbox()
                if not rows:
                    return
                for index, row in enumerate(rows):
                    if time.monotonic() >= stop_at:
                        self._release_outbox([r.id for r in rows[index:]])
                        break
                    if not self._publish(row):
                        self._release_outbox([r.id for r in rows[index + 1 :]])
                        return

    def _claim_outbox(self, limit=100):
        """Claims up to `limit` due rows, oldest first: their `next_attempt_at` moves
        `RELAY_CLAIM_S` ahead in one statement, so another instance's relay finds them
        not due. -> the claimed rows"""
        with Session(self.engine) as session, session.begin():
            rows = session.execute(self.claim_statement(utcnow(), limit)).all()
        return sorted(rows, key=lambda row: row.created_at)

    def claim_statement(self, now, limit):
        """The claim's UPDATE. The rows are picked in a MATERIALIZED CTE, which
        PostgreSQL evaluates exactly once (a subquery in `IN (...)` it may evaluate
        again), `FOR UPDATE SKIP LOCKED`, so two relays claiming at once take different
        rows; SQLite runs one writer at a time and the outer condition is checked under
        its write lock. A relay that dies holding a claim leaves its rows due again
        once the claim is stale."""
        outbox = self.outbox.c
        due = (outbox.sent_at.is_(None), outbox.next_attempt_at <= now)
        picked = (
            select(outbox.id)
            .where(*due)
            .order_by(outbox.created_at)
            .limit(limit)
            .with_for_update(skip_locked=True)
            .cte("picked")
            .prefix_with("MATERIALIZED", dialect="postgresql")
        )
        return (
            update(self.outbox)
            .where(outbox.id.in_(select(picked.c.id)), *due)
            .values(next_attempt_at=now + timedelta(seconds=self.settings.relay_claim_s))
            .returning(*self.outbox.c)
        )

    def _release_outbox(self, row_ids):
        """Claimed rows this relay will not publish now: due again at once."""
        if row_ids:
            with Session(self.engine) as session, session.begin():
                session.execute(
                    update(self.outbox)
                    .where(self.outbox.c.id.in_(row_ids), self.outbox.c.sent_at.is_(None))
                    .values(next_attempt_at=utcnow())
                )

    def _publish(self, row):
        """Publishes one row and records the outcome. -> whether it was published"""
        try:
            self._send(row)
        except Exception as exc:
            self._retry_later(row, exc)
            return False
        values = {"sent_at": utcnow()}
        if row.kind == "command":
            values["payload"] = "{}"  # commands may carry secrets: keep none once delivered
        self._update_outbox(row.id, **values)
        return True

    def _send(self, row):
        """An event to `<service>.events`, a command to its target's command queue."""
        payload = json.loads(row.payload)
        # nameko's context header: the handler's worker gets it as its context data
        headers = {f"nameko.{REQUEST_ID_KEY}": row.request_id} if row.request_id else {}
        if row.kind == "event":
            exchange = get_event_exchange(self.service_name, self.container.config)
            self.publisher.publish(
                payload,
                exchange=exchange,
                routing_key=row.routing_key,
                declare=[exchange],
                headers=headers,
            )
        else:
            declare = [command_queue(row.routing_key)] if self.declare_commands else []
            self.publisher.publish(
                payload,
                exchange=COMMAND_EXCHANGE,
                routing_key=row.routing_key,
                declare=declare,
                mandatory=True,
                headers=headers,
            )

    def _retry_later(self, row, exc):
        delay = min(self.settings.inbox_retry_base_s * 2**row.attempts, 60)
        self._update_outbox(
            row.id,
            attempts=row.attempts + 1,
            last_error=type(exc).__name__,
            next_attempt_at=utcnow() + timedelta(seconds=delay),
        )
        log.warning(
            "%s: publishing %s %s failed (%s); retry in %.0fs",
            self.service_name,
            row.kind,
            row.routing_key,
            type(exc).__name__,
            delay,
        )

    def prune_if_due(self):
        """`prune_outbox` now if its round has come (the background loop asks each turn)."""
        now = time.monotonic()
        if now >= self._next_prune:
            self._next_prune = now + min(PRUNE_EVERY_S, self.settings.outbox_keep_s)
            self.prune_outbox()

    def prune_outbox(self, batch=500):
        """Deletes the rows sent more than `OUTBOX_KEEP_S` ago, `batch` at a time, each
        batch its own short transaction; unsent rows stay whatever their age. Safe under
        any number of instances: on PostgreSQL each takes rows the others have not locked
        (SKIP LOCKED), and the DELETE checks its condition again, so a row goes once and
        a second pruner finds nothing. ix_outbox_pending (`sent_at` first) finds them.
        -> how many rows went"""
        cutoff = utcnow() - timedelta(seconds=self.settings.outbox_keep_s)
        outbox = self.outbox.c
        old = (outbox.sent_at.is_not(None), outbox.sent_at < cutoff)
        total = 0
        while True:
            with Session(self.engine) as session, session.begin():
                ids = session.scalars(
                    select(outbox.id).where(*old).limit(batch).with_for_update(skip_locked=True)
                ).all()
                if ids:
                    session.execute(delete(self.outbox).where(outbox.id.in_(ids), *old))
            total += len(ids)
            if len(ids) < batch:
                return total

    def _update_outbox(self, row_id, **values):
        with Session(self.engine) as session, session.begin():
            session.execute(update(self.outbox).where(self.outbox.c.id == row_id).values(**values))
