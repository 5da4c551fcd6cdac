"""Events as code: each service declares the facts it emits in its own `events.py`, one
small class per event, and its consumers read them through that same class.

    @event("document_uploaded")
    class DocumentUploaded(Event):
        \"\"\"A document's bytes arrived and were accepted.\"\"\"
        document_id: str
        request_id: Optional[str]

    uow.emit(DocumentUploaded(document_id=..., request_id=None), actor=...)   # producer
    event = DocumentUploaded.load(message)                                    # consumer

A declaration is a frozen, keyword-only dataclass: a missing or an unknown field, or a
value of the wrong type, raises TypeError when the event is made, before the outbox row
is written. The wire format is the one of `uow.emit` before declarations: the event
type is the declared name, the JSON payload the envelope (event_id, event_type,
occurred_at, actor) plus the fields by name. A field declared `= absent_unless_given()`
is left out of the payload when the emitter did not give it (an event emitted with one
key or another); given, even as None, it is there.

A command (`uow.send(target, SendNotification(...))`) is declared the same way, as a
`Command`, by the service that receives it, in the commands section of its events.py.

`load` checks an incoming message against the declaration and returns it as it came
(a dict: the handlers read the envelope too). Fields listed in `added_later` may be
absent: messages written before the field was declared are still read.
"""

import dataclasses
import types
import typing
from collections.abc import Callable
from typing import Any, ClassVar, TypeVar

E = TypeVar("E", bound="Event")


class _Absent:
    """The value of a field that was not given: left out of the payload."""

    def __repr__(self) -> str:
        return "ABSENT"


ABSENT: Any = _Absent()


def absent_unless_given() -> Any:
    """A field that may be left out: then it is not in the payload either."""
    return dataclasses.field(default=ABSENT)


def _fields(declared: Any) -> tuple[dataclasses.Field, ...]:
    """The fields of a declaration (made a dataclass by @event), or of one of its events."""
    return dataclasses.fields(declared)


class Event:
    """Base of every declared event: `event_type` is its name on the wire."""

    event_type: ClassVar[str]
    type_key: ClassVar[str] = "event_type"  # the envelope's key that names it
    envelope: ClassVar[tuple] = ("event_id", "event_type", "occurred_at", "actor")
    added_later: ClassVar[frozenset] = frozenset()

    def __post_init__(self) -> None:
        for field in _fields(self):
            value = getattr(self, field.name)
            if value is not ABSENT and not _fits(value, self._hints()[field.name]):
                raise TypeError(
                    f"{self.event_type}.{field.name}: {type(value).__name__} is not "
                    f"{self._hints()[field.name]}"
                )

    @classmethod
    def _hints(cls) -> dict:
        return typing.get_type_hints(cls)

    def payload(self) -> dict:
        """The fields as the JSON payload carries them."""
        return {
            field.name: getattr(self, field.name)
            for field in _fields(self)
            if getattr(self, field.name) is not ABSENT
        }

    @classmethod
    def load(cls, message: dict) -> dict:
        """`message` (an envelope as published) checked against this declaration: its
        event type, every field (but those `added_later`) present and of its type.
        -> the message itself. TypeError when it does not fit."""
        if message.get(cls.type_key) != cls.event_type:
            raise TypeError(f"{message.get(cls.type_key)!r} is not {cls.event_type!r}")
        hints = cls._hints()
        for field in _fields(cls):
            if field.name not in message:
                if field.default is ABSENT or field.name in cls.added_later:
                    continue
                raise TypeError(f"{cls.event_type}: field {field.name!r} is missing")
            if not _fits(message[field.name], hints[field.name]):
                raise TypeError(
                    f"{cls.event_type}.{field.name}: "
                    f"{type(message[field.name]).__name__} is not {hints[field.name]}"
                )
        return message

    @classmethod
    def from_payload(cls: type[E], message: dict) -> E:
        """The event made again from a message (its fields; the envelope is left out)."""
        return cls(
            **{field.name: message[field.name] for field in _fields(cls) if field.name in message}
        )


class Command(Event):
    """Base of a declared command: a request to one service (`uow.send(target, ...)`),
    declared by that service with the same means as an event; `command` names it on the
    wire."""

    type_key: ClassVar[str] = "command"
    envelope: ClassVar[tuple] = ("message_id", "command", "occurred_at")


def event(name: str) -> Callable[[type[E]], type[E]]:
    """Class decorator: declares `cls` as the event (or command) `name`: a frozen,
    keyword-only dataclass."""

    def declare(cls: type[E]) -> type[E]:
        if not issubclass(cls, Event):
            raise TypeError(f"{cls.__name__} is not an Event")
        clash = (set(cls.envelope) | set(dir(Event))) & set(cls.__annotations__)
        if clash:
            raise TypeError(f"{name}: {sorted(clash)} are taken (the envelope, Event's own)")
        cls.event_type = name
        return dataclasses.dataclass(frozen=True, kw_only=True)(cls)

    return declare


def declared_in(module: types.ModuleType) -> list[type[Event]]:
    """The events and commands a service's `events` module declares."""
    return [
        value
        for value in vars(module).values()
        if isinstance(value, type)
        and issubclass(value, Event)
        and value.__module__ == module.__name__
    ]


def _fits(value: Any, hint: Any) -> bool:
    """`value` is of type `hint`: str, int, bool, float, dict, list[...], Optional[...]."""
    origin = typing.get_origin(hint)
    if hint is Any:
        return True
    if origin in (typing.Union, types.UnionType):
        return any(_fits(value, arm) for arm in typing.get_args(hint))
    if hint is type(None):
        return value is None
    if origin is list:
        (item,) = typing.get_args(hint) or (Any,)
        return isinstance(value, list) and all(_fits(v, item) for v in value)
    if origin is dict:
        return isinstance(value, dict)
    if hint is int:
        return isinstance(value, int) and not isinstance(value, bool)
    if hint is float:
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    return isinstance(value, hint)
