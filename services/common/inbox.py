"""The inbox of a `Store` (services/common/store.py): an incoming event or command is
recorded (duplicates skipped by message id), handled by `handlers[source](uow, message)`
in one transaction, retried with backoff when that fails, and parked after the last
attempt, for an operator to replay (docs/reliability.md). A message refused because the
person it is about was erased (ClientErased) is parked at once: no retry can help."""

import json
import logging
from datetime import timedelta

from sqlalchemy import insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from .db import utcnow
from .errors import ClientErased
from .paging import asc

log = logging.getLogger(__name__)


class Inbox:
    """Mixed into `Store`, which sets `engine`, `inbox` (the table), `handlers`,
    `settings` (StoreSettings) and `service_name`, and gives `transaction()`, `lease(name)`
    and `kick()`."""

    def accept(self, source, message):
        """Returns only after the message is safely recorded, so the caller may ack."""
        message_id = message.get("event_id") or message.get("message_id")
        if not message_id:
            log.error("%s: a message from %s without an id was dropped", self.service_name, source)
            return
        now = utcnow()
        try:
            with Session(self.engine) as session, session.begin():
                # Not due for the retry loop before this first handling had its chance.
                session.execute(
                    insert(self.inbox).values(
                        message_id=message_id,
                        source=source,
                        payload=json.dumps(message),
                        status="received",
                        attempts=0,
                        received_at=now,
                        next_attempt_at=now + timedelta(seconds=self.settings.inbox_retry_base_s),
                    )
                )
        except IntegrityError:
            return  # a duplicate delivery: already recorded, and handled or pending
        self._handle(message_id)

    def _handle(self, message_id):
        try:
            with self.transaction() as uow:
                # The row lock makes one handling at a time: the retry loop skips a
                # message that is being handled (PostgreSQL; SQLite has one connection).
                row = uow.session.execute(
                    select(self.inbox)
                    .where(self.inbox.c.message_id == message_id, self.inbox.c.status == "received")
                    .with_for_update(skip_locked=True)
                ).first()
                if row is None:
                    return
                handler = self.handlers.get(row.source)
                if handler is None:
                    raise LookupError(f"no handler for {row.source}")
                handler(uow, json.loads(row.payload))
                uow.session.execute(
                    update(self.inbox)
                    .where(self.inbox.c.message_id == message_id)
                    .values(status="done", payload="{}", done_at=utcnow(), last_error=None)
                )
        except ClientErased as exc:
            # refused for good (the person it is about was erased): retrying cannot help
            self._record_failure(message_id, exc, final=True)
        except Exception as exc:
            self._record_failure(message_id, exc)

    def _record_failure(self, message_id, exc, final=False):
        """Count a failed attempt: a retry later, or parked after the last attempt (at
        once when `final`)."""
        with Session(self.engine) as session, session.begin():
            row = session.execute(
                select(self.inbox).where(self.inbox.c.message_id == message_id)
            ).first()
            attempts = row.attempts + 1
            values = {"attempts": attempts, "last_error": f"{type(exc).__name__}"[:300]}
            delay = None
            if final or attempts >= self.settings.inbox_max_attempts:
                values["status"] = "parked"
            else:
                delay = min(self.settings.inbox_retry_base_s * 2 ** (attempts - 1), 300)
                values["next_attempt_at"] = utcnow() + timedelta(seconds=delay)
            self._log_failure(row, attempts, exc, delay)
            session.execute(
                update(self.inbox).where(self.inbox.c.message_id == message_id).values(**values)
            )

    def _log_failure(self, row, attempts, exc, delay):
        """`delay`: seconds to the next attempt; None when the message was parked."""
        if delay is None and isinstance(exc, ClientErased):
            log.warning(
                "%s: message %s from %s refused and parked: the person it is about was erased",
                self.service_name,
                row.message_id,
                row.source,
            )
            return
        if delay is None:
            log.error(
                "%s: message %s from %s parked after %d attempts (%s)",
                self.service_name,
                row.message_id,
                row.source,
                attempts,
                type(exc).__name__,
            )
            return
        log.warning(
            "%s: handling %s from %s failed (%s); attempt %d, retry in %.0fs",
            self.service_name,
            row.message_id,
            row.source,
            type(exc).__name__,
            attempts,
            delay,
        )

    def retry_inbox(self):
        """Due retries, by one instance at a time (its lease, taken only when some are
        due); `_handle` takes each message only while it is still `received`, under its
        row lock."""
        if not self._due_inbox():
            return
        with self.lease("inbox_retry") as held:
            if held:
                for message_id in self._due_inbox():
                    self._handle(message_id)

    def _due_inbox(self):
        with Session(self.engine) as session:
            return (
                session.execute(
                    select(self.inbox.c.message_id)
                    .where(
                        self.inbox.c.status == "received", self.inbox.c.next_attempt_at <= utcnow()
                    )
                    .order_by(self.inbox.c.received_at)
                    .limit(50)
                )
                .scalars()
                .all()
            )

    def parked_messages(self, pager, limit=50, cursor=None):
        """A page of the parked messages, oldest first. ix_inbox_due's `status` prefix
        finds them; only they are sorted (the inbox's done rows are never read), and
        they stay few: each is a handler's failure that an operator has yet to replay."""
        inbox = self.inbox.c
        columns = ("message_id", "source", "attempts", "last_error", "received_at")
        with Session(self.engine) as session:
            rows, next_cursor = pager.page(
                session,
                select(*(inbox[name] for name in columns)).where(inbox.status == "parked"),
                [asc(inbox.received_at), asc(inbox.message_id)],
                limit,
                cursor,
                scope=f"parked:{self.service_name}",
            )
        items = [dict(zip(columns, row, strict=True)) for row in rows]
        for item in items:
            item["received_at"] = item["received_at"].isoformat()
        return {"items": items, "next_cursor": next_cursor}

    def replay_parked(self, message_id):
        with Session(self.engine) as session, session.begin():
            result = session.execute(
                update(self.inbox)
                .where(self.inbox.c.message_id == message_id, self.inbox.c.status == "parked")
                .values(status="received", attempts=0, next_attempt_at=utcnow())
            )
        if result.rowcount:
            self.kick()
        return bool(result.rowcount)
