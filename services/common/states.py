"""A small state machine over a row's `status` column: the states as constants, the
allowed moves as a table, and the error a refused move raises (each service's own,
so callers see the same code and HTTP status as before)."""

from typing import Any, ClassVar


class StateMachine:
    """Subclass: the states as class constants, TRANSITIONS {from: {to, ...}}, and
    `refusal(current, to)` -> the error for a move that the table does not allow."""

    TRANSITIONS: ClassVar[dict[str, frozenset[str]]] = {}

    @classmethod
    def can(cls, current: str, to: str) -> bool:
        return to in cls.TRANSITIONS.get(current, frozenset())

    @classmethod
    def check(cls, current: str, to: str) -> None:
        """Raises the refusal when `current` may not move to `to`."""
        if not cls.can(current, to):
            raise cls.refusal(current, to)

    @classmethod
    def move(cls, item: Any, to: str) -> None:
        """`item.status` becomes `to`, or the refusal is raised (and nothing changes)."""
        cls.check(item.status, to)
        item.status = to

    @classmethod
    def sources(cls, to: str) -> tuple[str, ...]:
        """Every state that may move to `to` (for a guarded UPDATE ... WHERE status IN)."""
        return tuple(s for s, targets in cls.TRANSITIONS.items() if to in targets)

    @classmethod
    def refusal(cls, current: str, to: str) -> Exception:
        raise NotImplementedError
