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
  Sent rows are deleted after `OUTBOX_KEEP_S` (7 days by default).
- `store.accept(source, message)` takes an incoming event or command: recorded in the
  inbox (duplicates skipped by message id), handled by `handlers[source](uow, message)`
  in one transaction, retried with backoff when that fails, and parked after the last
  attempt. It returns only after the message is safely recorded, so the caller may ack.
- Any number of instances may share the database: the relay claims the rows it
  publishes, inbox retries run under a lease, and `store.lease(name)` gives timers theirs.

The unit of work is in unit_of_work.py, the relay in outbox.py, the inbox in inbox.py;
their knobs (`StoreSettings`) come from the service's config.yaml.
"""

import logging
import os
from contextlib import contextmanager
from dataclasses import dataclass

import eventlet
from eventlet.event import Event
from eventlet.semaphore import Semaphore
from nameko.amqp.publish import Publisher
from nameko.constants import DEFAULT_TRANSPORT_OPTIONS
from nameko.extensions import DependencyProvider

from . import metrics, sealed_columns
from .db import make_engine
from .errors import ClientErased
from .field_sealing import FieldKeyShredded, FieldSettings
from .inbox import Inbox
from .lease import lease
from .outbox import OutboxRelay
from .settings import database_url, read_settings, setting
from .unit_of_work import unit_of_work

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class StoreSettings:
    db_url: str | None = setting("DB_URL", None, "empty: a SQLite file under KLUIS_VAR")
    max_workers: int = setting("max_workers", 10)
    relay_interval_s: float = setting("RELAY_INTERVAL_S", 1.0, "between relay rounds")
    relay_claim_s: float = setting("RELAY_CLAIM_S", 60.0, "how long a relay holds its rows")
    inbox_retry_base_s: float = setting("INBOX_RETRY_BASE_S", 2.0, "the first retry's delay")
    inbox_max_attempts: int = setting("INBOX_MAX_ATTEMPTS", 8, "then parked")
    outbox_keep_s: float = setting(
        "OUTBOX_KEEP_S", 604800.0, "sent outbox rows older than this are deleted (7 days)"
    )


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


class Store(OutboxRelay, Inbox, DependencyProvider):
    """The service's database, its outbox relay (outbox.py) and its inbox (inbox.py)."""

    _relay_thread = None  # started by start()
    engine = None  # made by setup()

    def __init__(self, metadata, handlers=None, seals_fields=False):
        self.metadata = metadata
        self.handlers = handlers or {}
        self.seals_fields = seals_fields  # personal fields sealed: sealed_columns.py
        self.session_info = {}  # what every unit of work's session carries (setup fills it)
        self.outbox = metadata.tables["outbox"]
        self.inbox = metadata.tables["inbox"]

    # -- lifecycle -------------------------------------------------------------------
    def setup(self):
        config = self.container.config
        self.settings = read_settings(StoreSettings, config)
        self.service_name = self.container.service_name
        url = database_url(self.service_name, self.settings.db_url)
        self.engine = make_engine(url, pool_size=self.settings.max_workers + 4)
        self.publisher = Publisher(config["AMQP_URI"], use_confirms=True, serializer="json")
        # a dict of its own: nameko's class-wide one is written by every publish, and a
        # pooled connection reads `confirm_publish` from it when it (re)connects
        self.publisher.transport_options = {**DEFAULT_TRANSPORT_OPTIONS, "confirm_publish": True}
        # Under per-part broker accounts (KLUIS_DECLARE_QUEUES=0) the set-up declared the
        # command queues with the admin's account; a sender may then only publish to
        # kluis.commands, neither declare nor bind another part's queue (read its commands).
        self.declare_commands = os.environ.get("KLUIS_DECLARE_QUEUES", "1") != "0"
        self._kick = Event()
        self._relay_lock = Semaphore()
        if self.seals_fields:
            keyring = read_settings(FieldSettings, config).keyring()
            self.session_info[sealed_columns.KEYRING] = keyring
        self._next_prune = 0.0  # the first round prunes

    def start(self):
        self._relay_thread = self.container.spawn_managed_thread(self._background)
        metrics.STORES.add(self)  # its backlog and parked messages, read at scrape time

    def stop(self):
        """Out of the scrape, the relay loop ended, then the connections closed (the
        container kills its managed threads only after this: a round still running
        would hand its connection back to the pool afterwards and keep it open)."""
        metrics.STORES.discard(self)
        if self._relay_thread is not None:
            self._relay_thread.kill()
        if self.engine is not None:
            self.engine.dispose()

    # A killed container (a crash, or a test's end) calls kill, not stop: without this
    # the store stayed in the scrape, and the next scrape of any other part in the
    # process reopened a connection to its database and kept it pooled.
    kill = stop

    def get_dependency(self, worker_ctx):
        return StoreAccess(self)

    # -- transactions ----------------------------------------------------------------
    @contextmanager
    def transaction(self):
        """A unit of work. Writing a personal field of an erased person (their field key
        destroyed) is ClientErased (410 client_erased), a clear answer, not a crash."""
        uow = None
        try:
            with unit_of_work(
                self.engine, self.service_name, self.outbox, self.session_info
            ) as uow:
                yield uow
        except FieldKeyShredded:
            raise ClientErased() from None
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
                self.prune_if_due()
            except Exception:  # keep the loop alive; the next round tries again
                log.exception("%s: outbox/inbox round failed", self.service_name)
            with eventlet.Timeout(self.settings.relay_interval_s, False):
                self._kick.wait()
            self._kick = Event()
