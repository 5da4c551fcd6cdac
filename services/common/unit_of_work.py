"""One transaction of a service's database (`UnitOfWork`), with what it records for the
outbox: `uow.emit(event)` and `uow.send(target, command)`, written in the same
transaction as the state change and published after the commit by the relay
(services/common/outbox.py). A use case refuses with `raise SomeKluisError()` (nothing
stays) or `uow.refuse(SomeKluisError())` (what it wrote is the record of the refusal:
committed, then the error raised); see services/common/store.py."""

import json
from contextlib import contextmanager
from typing import NoReturn

from kombu import Exchange, Queue
from sqlalchemy import insert
from sqlalchemy.orm import Session

from .db import new_id, utcnow
from .errors import KluisError
from .events import Command as DeclaredCommand
from .events import Event as DeclaredEvent
from .logs import current_request_id

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
def unit_of_work(engine, service_name, outbox, info=None):
    """One transaction on `engine`: committed when the block ends, rolled back when it
    raises, committed and then the error raised when it refuses (`uow.refuse(error)`).
    Used by `Store` and by tools that run outside a service (bootstrap, tests). `info`:
    what the session carries for the models (the field keyring: sealed_columns.py)."""
    session = Session(engine, expire_on_commit=False, info=dict(info or {}))
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
