"""`Store`: a service's database, with its outbox relay and its inbox.

Declare it on a service as `store = Store(models.metadata, handlers={...})`:

    with self.store.unit_of_work() as uow:     # one transaction
        use_cases.do_something(uow, ...)       # uow.session, uow.emit(), uow.send()

- A use case refuses in one of two ways. `raise SomeKluisError()` when nothing it wrote
  may stay: the unit rolls back. `uow.refuse(SomeKluisError())` when what it wrote so
  far is the record of the refusal that must be remembered (a miss counted, an attempt
  logged, a lock and its e-mail): the unit commits that, then the caller gets the same
  error, exactly as if it had been raised.
- `uow.emit(SomethingHappened(...), actor)` records an event on `<service>.events`
  (declared in the service's events.py, see services/common/events.py);
  `uow.send(target, SomeCommand(...))` records a command for another service's
  command queue. Both are written in the same transaction as the state change and
  published by the relay after the commit, with publisher confirms, then marked sent.
  Written inside a request, they carry its request id on (header `nameko.request_id`).
- `store.accept(source, message)` takes an incoming event or command: recorded in the
  inbox (duplicates skipped by message id), handled by `handlers[source](uow, message)`
  in one transaction, retried with backoff when that fails, and parked after the last
  attempt. It returns only after the message is safely recorded, so the caller may ack.
- Any number of instances may share the database: the relay claims the rows it
  publishes, inbox retries run under a lease, and `store.lease(name)` gives timers theirs.
"""

import json
import logging
import os
import time
from contextlib import contextmanager
from datetime import timedelta
from typing import NoReturn

import eventlet
from eventlet.event import Event
from eventlet.semaphore import Semaphore
from kombu import Exchange, Queue
from nameko.amqp.publish import Publisher
from nameko.constants import DEFAULT_TRANSPORT_OPTIONS
from nameko.events import get_event_exchange
from nameko.extensions import DependencyProvider
from sqlalchemy import insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from . import metrics
from .db import make_engine, new_id, utcnow
from .errors import KluisError
from .events import Command as DeclaredCommand
from .events import Event as DeclaredEvent
from .lease import lease
from .logs import REQUEST_ID_KEY, current_request_id
from .paging import asc
from .settings import database_url

log = logging.getLogger(__name__)

COMMAND_EXCHANGE = Exchange("kluis.commands", type="direct", durable=True)


def command_queue(target):
    """The durable queue of commands for `target` (declared by sender and receiver)."""
    return Queue(f"{target}.commands", exchange=COMMAND_EXCHANGE, routing_key=target, durable=True)


def event_envelope(event_type, actor, payload):
    return {
        "event_id": new_id(),
        "event_type": event_type,
        "occurred_at": utcnow().isoformat(),
        "actor": actor,
        **payload,
    }


class Refusal(Exception):
    """Carries the error of `UnitOfWork.refuse` to the end of its unit of work, which
    commits and raises the error itself: nobody else catches or sees a Refusal."""

    def __init__(self, error):
        super().__init__(error)
        self.error = error


class UnitOfWork:
    def __init__(self, session, service_name, outbox):
        self.session = session
        self.service_name = service_name
        self._outbox = outbox
        self.wrote_outbox = False
        self.committed = False

    def refuse(self, error: KluisError) -> NoReturn:
        """Refuse the request with `error` and keep what this unit wrote so far (the
        record of the refusal: a miss counted, an attempt logged): the unit commits, then
        raises `error` to its caller. Raise the error yourself when nothing may stay."""
        if not isinstance(error, KluisError):
            raise TypeError(f"a refusal is a KluisError, not {type(error).__name__}")
        raise Refusal(error)

    def emit(self, event, actor=None):
        """Record a fact (past tense) for `<service>.events`: `event` is one the service
        declares in its events.py (services/common/events.py). Returns the envelope."""
        if not isinstance(event, DeclaredEvent) or isinstance(event, DeclaredCommand):
            raise TypeError(f"emit takes a declared Event, not {type(event).__name__}")
        envelope = event_envelope(event.event_type, actor, event.payload())
        self._add("event", f"{self.service_name}.events", event.event_type, envelope)
        return envelope

    def send(self, target, command):
        """Record a command for `target`'s command queue: `command` is one `target`
        declares in its events.py. Payloads of commands may carry secrets (a reset
        link); the relay blanks them once delivered."""
        if not isinstance(command, DeclaredCommand):
            raise TypeError(f"send takes a declared Command, not {type(command).__name__}")
        message = {
            "message_id": new_id(),
            "command": command.event_type,
            "occurred_at": utcnow().isoformat(),
            **command.payload(),
        }
        self._add("command", COMMAND_EXCHANGE.name, target, message)
        return message

    def _add(self, kind, exchange, routing_key, payload):
        now = utcnow()
        self.session.execute(
            insert(self._outbox).values(
                id=payload.get("event_id") or payload["message_id"],
                kind=kind,
                exchange=exchange,
                routing_key=routing_key,
                payload=json.dumps(payload),
                created_at=now,
                next_attempt_at=now,
                attempts=0,
                request_id=current_request_id(),
            )
        )
        self.wrote_outbox = True


@contextmanager
def unit_of_work(engine, service_name, outbox):
    """One transaction on `engine`: committed when the block ends, rolled back when it
    raises, committed and then the error raised when it refuses (`uow.refuse(error)`).
    Used by `Store` and by tools that run outside a service (bootstrap, tests)."""
    session = Session(engine, expire_on_commit=False)
    uow = UnitOfWork(session, service_name, outbox)
    try:
        try:
            yield uow
        except Refusal as refusal:
            _commit(uow)
            raise refusal.error from None
        _commit(uow)
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def _commit(uow):
    uow.session.commit()
    uow.committed = True


class StoreAccess:
    """What a worker gets: transactions, the inbox, and the parked messages."""

    def __init__(self, store):
        self._store = store

    @contextmanager
    def unit_of_work(self):
        with self._store.transaction() as uow:
            yield uow

    def accept(self, source, message):
        self._store.accept(source, message)

    def lease(self, name):
        """`with store.lease(name) as held:` work that one instance at a time does
        (services/common/lease.py)."""
        return self._store.lease(name)

    def parked_messages(self, pager, limit=50, cursor=None):
        return self._store.parked_messages(pager, limit, cursor)

    def replay_parked(self, message_id):
        return self._store.replay_parked(message_id)


class Store(DependencyProvider):
    def __init__(self, metadata, handlers=None):
        self.metadata = metadata
        self.handlers = handlers or {}
        self.outbox = metadata.tables["outbox"]
        self.inbox = metadata.tables["inbox"]

    # -- lifecycle -------------------------------------------------------------------
    def setup(self):
        config = self.container.config
        self.service_name = self.container.service_name
        url = database_url(self.service_name, config.get("DB_URL"))
        self.engine = make_engine(url, pool_size=config.get("max_workers", 10) + 4)
        self.publisher = Publisher(config["AMQP_URI"], use_confirms=True, serializer="json")
        # a dict of its own: nameko's class-wide one is written by every publish, and a
        # pooled connection reads `confirm_publish` from it when it (re)connects
        self.publisher.transport_options = {**DEFAULT_TRANSPORT_OPTIONS, "confirm_publish": True}
        # Under per-part broker accounts (KLUIS_DECLARE_QUEUES=0) the set-up declared the
        # command queues with the admin's account; a sender may then only publish to
        # kluis.commands, neither declare nor bind another part's queue (read its commands).
        self.declare_commands = os.environ.get("KLUIS_DECLARE_QUEUES", "1") != "0"
        self.interval = float(config.get("RELAY_INTERVAL_S") or 1.0)
        self.claim_s = float(config.get("RELAY_CLAIM_S") or 60.0)
        self.retry_base = float(config.get("INBOX_RETRY_BASE_S") or 2.0)
        self.max_attempts = int(config.get("INBOX_MAX_ATTEMPTS") or 8)
        self._kick = Event()
        self._relay_lock = Semaphore()

    def start(self):
        self.container.spawn_managed_thread(self._background)
        metrics.STORES.add(self)  # its backlog and parked messages, read at scrape time

    def stop(self):
        metrics.STORES.discard(self)
        self.engine.dispose()

    def get_dependency(self, worker_ctx):
        return StoreAccess(self)

    # -- transactions ----------------------------------------------------------------
    @contextmanager
    def transaction(self):
        uow = None
        try:
            with unit_of_work(self.engine, self.service_name, self.outbox) as uow:
                yield uow
        finally:
            if uow is not None and uow.committed and uow.wrote_outbox:
                self.kick()  # relay now, not at the next tick (also after a refusal)

    def lease(self, name):
        """The lease `name` of this service: `<service>.<name>`, so that services
        sharing one database never share a lease."""
        return lease(self.engine, f"{self.service_name}.{name}")

    def kick(self):
        if not self._kick.ready():
            self._kick.send(True)

    def _background(self):
        while True:
            try:
                self.relay_outbox()
                self.retry_inbox()
            except Exception:  # keep the loop alive; the next round tries again
                log.exception("%s: outbox/inbox round failed", self.service_name)
            with eventlet.Timeout(self.interval, False):
                self._kick.wait()
            self._kick = Event()

    # -- outbox relay ----------------------------------------------------------------
    def relay_outbox(self):
        """Publish due outbox rows, each claimed first (so that no other instance
        publishes it too), in order within a claimed batch, each marked sent only after
        its confirm. A batch stops halfway through its claim (`RELAY_CLAIM_S`) and
        releases the rest, claimed again at once: a row is never published after its
        claim ran out, as long as one publish (kombu's retries included) takes less than
        half of it."""
        with self._relay_lock:
            while True:
                stop_at = time.monotonic() + self.claim_s / 2
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
            .values(next_attempt_at=now + timedelta(seconds=self.claim_s))
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
        payload = json.loads(row.payload)
        # nameko's context header: the handler's worker gets it as its context data
        headers = {f"nameko.{REQUEST_ID_KEY}": row.request_id} if row.request_id else {}
        try:
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
        except Exception as exc:
            delay = min(self.retry_base * 2**row.attempts, 60)
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
            return False
        values = {"sent_at": utcnow()}
        if row.kind == "command":
            values["payload"] = "{}"  # commands may carry secrets: keep none once delivered
        self._update_outbox(row.id, **values)
        return True

    def _update_outbox(self, row_id, **values):
        with Session(self.engine) as session, session.begin():
            session.execute(update(self.outbox).where(self.outbox.c.id == row_id).values(**values))

    # -- inbox -----------------------------------------------------------------------
    def accept(self, source, message):
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
                        next_attempt_at=now + timedelta(seconds=self.retry_base),
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
        except Exception as exc:
            self._record_failure(message_id, exc)

    def _record_failure(self, message_id, exc):
        with Session(self.engine) as session, session.begin():
            row = session.execute(
                select(self.inbox).where(self.inbox.c.message_id == message_id)
            ).first()
            attempts = row.attempts + 1
            values = {"attempts": attempts, "last_error": f"{type(exc).__name__}"[:300]}
            if attempts >= self.max_attempts:
                values["status"] = "parked"
                log.error(
                    "%s: message %s from %s parked after %d attempts (%s)",
                    self.service_name,
                    message_id,
                    row.source,
                    attempts,
                    type(exc).__name__,
                )
            else:
                delay = min(self.retry_base * 2 ** (attempts - 1), 300)
                values["next_attempt_at"] = utcnow() + timedelta(seconds=delay)
                log.warning(
                    "%s: handling %s from %s failed (%s); attempt %d, retry in %.0fs",
                    self.service_name,
                    message_id,
                    row.source,
                    type(exc).__name__,
                    attempts,
                    delay,
                )
            session.execute(
                update(self.inbox).where(self.inbox.c.message_id == message_id).values(**values)
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
        with Session(self.engine) as session:
            rows, next_cursor = pager.page(
                session,
                select(
                    inbox.message_id,
                    inbox.source,
                    inbox.attempts,
                    inbox.last_error,
                    inbox.received_at,
                ).where(inbox.status == "parked"),
                [asc(inbox.received_at), asc(inbox.message_id)],
                limit,
                cursor,
                scope=f"parked:{self.service_name}",
            )
        return {
            "items": [
                {
                    "message_id": message_id,
                    "source": source,
                    "attempts": attempts,
                    "last_error": last_error,
                    "received_at": received_at.isoformat(),
                }
                for message_id, source, attempts, last_error, received_at in rows
            ],
            "next_cursor": next_cursor,
        }

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
