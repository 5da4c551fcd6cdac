"""A signing request's life: pending -> signed, or expired (its time ran out), or
withdrawn (by staff). Each end is final."""

from services.common.states import StateMachine

from .exceptions import AlreadySigned, SigningRequestClosed


class SigningRequestStates(StateMachine):
    PENDING = "pending"
    SIGNED = "signed"
    EXPIRED = "expired"
    WITHDRAWN = "withdrawn"

    TRANSITIONS = {PENDING: frozenset({SIGNED, EXPIRED, WITHDRAWN})}

    @classmethod
    def refusal(cls, current: str, to: str) -> Exception:
        """Signed already: AlreadySigned; expired or withdrawn: SigningRequestClosed."""
        return AlreadySigned() if current == cls.SIGNED else SigningRequestClosed()
