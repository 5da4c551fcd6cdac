"""Small services of the tests' own, built on services.common the way real services are:
`producer` writes rows and emits events / sends commands through its outbox; `consumer`
receives its events; `inboxer` takes them through its inbox with a handler whose
behaviour a test sets in `INBOX_BEHAVIOUR`; `ticker` runs a timer under a lease."""

import time

import eventlet
import pytest
import sqlalchemy as sa
from nameko.dependency_providers import Config
from nameko.events import event_handler
from nameko.rpc import rpc
from nameko.timer import timer

from services.common.context import sign
from services.common.events import Event, event
from services.common.field_sealing import FieldKeyShredded
from services.common.plumbing import plumbing_tables
from services.common.service import ServiceBase
from services.common.store import Store
from services.notify.events import SendNotification

producer_metadata = sa.MetaData()
plumbing_tables(producer_metadata)
things = sa.Table(
    "things",
    producer_metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("x", sa.Integer, nullable=False),
)


@event("thing_happened")
class ThingHappened(Event):
    """The producer wrote a thing."""

    x: int


class Boom(Exception):
    pass


class Producer(ServiceBase):
    name = "producer"
    store = Store(producer_metadata)

    @rpc
    def make_thing(self, x, actor="account-1"):
        """Writes a thing and emits `thing_happened` in one transaction. -> the envelope"""
        with self.store.unit_of_work() as uow:
            uow.session.execute(sa.insert(things).values(x=x))
            return uow.emit(ThingHappened(x=x), actor=actor)

    @rpc
    def make_thing_then_fail(self, x):
        with self.store.unit_of_work() as uow:
            uow.session.execute(sa.insert(things).values(x=x))
            uow.emit(ThingHappened(x=x), actor="account-1")
            raise Boom("after writing")

    @rpc
    def request_reset_mail(self, email, name="Ann"):
        """Sends notify a `send_notification` command. -> the command message"""
        with self.store.unit_of_work() as uow:
            return uow.send(
                "notify",
                SendNotification(
                    template="password_reset",
                    language="en",
                    to={"email": email},
                    data={
                        "name": name,
                        "minutes": 60,
                        "reset_url": "https://kluis.test/reset?token=s3cret-t0ken",
                    },
                ),
            )


RECEIVED = []  # events the consumer got, in order


class Consumer:
    name = "consumer"

    @event_handler("producer", "thing_happened")
    def handle_thing_happened(self, event):
        RECEIVED.append(event)


inbox_metadata = sa.MetaData()
plumbing_tables(inbox_metadata)
seen = sa.Table(
    "seen",
    inbox_metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("event_id", sa.String(64), nullable=False),
    sa.Column("x", sa.Integer, nullable=False),
)

# fail_first: how many calls fail before the handler works; always_fail: it never works
# (until a test "fixes" it); slow_s: how long each call takes (as a handler doing I/O).
INBOX_BEHAVIOUR = {
    "fail_first": 0,
    "always_fail": False,
    "erased": False,
    "slow_s": 0.0,
    "calls": [],
}


def reset_inbox_behaviour():
    INBOX_BEHAVIOUR.update(fail_first=0, always_fail=False, erased=False, slow_s=0.0, calls=[])


def handle_thing(uow, event):
    calls = INBOX_BEHAVIOUR["calls"]
    calls.append(event["event_id"])
    if INBOX_BEHAVIOUR["slow_s"]:
        eventlet.sleep(INBOX_BEHAVIOUR["slow_s"])
    if INBOX_BEHAVIOUR["erased"]:  # as sealing a field for an erased person does
        raise FieldKeyShredded()
    if INBOX_BEHAVIOUR["always_fail"] or len(calls) <= INBOX_BEHAVIOUR["fail_first"]:
        raise Boom(f"call {len(calls)}")
    uow.session.execute(sa.insert(seen).values(event_id=event["event_id"], x=event["x"]))


class Inboxer(ServiceBase):
    name = "inboxer"
    store = Store(inbox_metadata, handlers={"producer.thing_happened": handle_thing})

    @event_handler("producer", "thing_happened")
    def handle_thing_happened(self, event):
        self.store.accept("producer.thing_happened", event)


ticker_metadata = sa.MetaData()
plumbing_tables(ticker_metadata)
rounds = sa.Table(
    "rounds",
    ticker_metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("instance", sa.String(36), nullable=False),
    sa.Column("started_at", sa.Float, nullable=False),
    sa.Column("ended_at", sa.Float, nullable=True),
)


class Ticker(ServiceBase):
    """A timer whose rounds take a while (as a janitor's would) and are recorded with
    the instance that ran them (`TICKER_INSTANCE` in its config)."""

    name = "ticker"
    store = Store(ticker_metadata)
    config = Config()

    @timer(interval=0.02)
    def tick(self):
        with self.store.lease("tick") as held:
            if not held:
                return
            with self.store.unit_of_work() as uow:
                round_id = uow.session.execute(
                    sa.insert(rounds).values(
                        instance=self.config["TICKER_INSTANCE"], started_at=time.time()
                    )
                ).inserted_primary_key[0]
            eventlet.sleep(0.1)
            with self.store.unit_of_work() as uow:
                uow.session.execute(
                    sa.update(rounds).where(rounds.c.id == round_id).values(ended_at=time.time())
                )


def wait_until(condition, timeout=10.0, interval=0.05, message="condition"):
    """Poll `condition()` until it returns something truthy; return that, or fail."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout}s waiting for {message}")
        eventlet.sleep(interval)


def select_all(engine, table, *where):
    with engine.connect() as connection:
        return connection.execute(sa.select(table).where(*where)).all()


def principal_context(principal=None):
    """The RPC context the gateway gives a call: the principal signed as identity signs
    it (with the key identity keeps under KLUIS_VAR, made in this process when it is not
    there yet), or nothing for an anonymous call."""
    if principal is None:
        return {}
    signed = principal.signed or sign(principal, "identity").signed
    request = {"source_ip": principal.source_ip, "user_agent": principal.user_agent}
    return {"principal": signed, **{k: v for k, v in request.items() if v is not None}}
