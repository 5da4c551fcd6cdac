"""The authenticated principal, carried from the gateway to every service in the
RPC context (nameko context data, header `nameko.principal`).

The gateway resolves the bearer token with identity and puts the principal in the
context of every call it makes; services read it with the `Caller` dependency and
check it against their own data. A call without a principal is anonymous.
"""
import json
from dataclasses import asdict, dataclass, field

from nameko.extensions import DependencyProvider

from .errors import Forbidden, ReadOnlySession, Unauthenticated

CONTEXT_KEY = "principal"


@dataclass(frozen=True)
class Principal:
    account_id: str
    kind: str  # admin | staff | client
    session_id: str = None
    language: str = "nl"
    read_only: bool = False
    source_ip: str = None
    user_agent: str = None
    offices: dict = field(default_factory=dict)  # office_id -> role
    looked_along_by: str = None  # look-along: the staff member behind the read-only session
    scope_office_id: str = None  # look-along: the one office whose records it sees
    auth_method: str = None  # how the session was opened: password[+sms|+totp], device, ...

    def to_json(self):
        return json.dumps(asdict(self), sort_keys=True)

    @classmethod
    def from_json(cls, text):
        data = json.loads(text)
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        return cls(**known)

    @property
    def is_admin(self):
        return self.kind == "admin"


class Caller:
    """What a service entrypoint knows of who is calling."""

    def __init__(self, principal, language):
        self.principal = principal
        self.language = language

    def require(self, *kinds, write=False):
        """The principal, when one of `kinds` (any kind when none given); else raise.

        `write=True` refuses read-only (look-along) sessions."""
        principal = self.principal
        if principal is None:
            raise Unauthenticated()
        if kinds and principal.kind not in kinds:
            raise Forbidden()
        if write and principal.read_only:
            raise ReadOnlySession()
        return principal


class CallerProvider(DependencyProvider):
    """Declare as `caller = CallerProvider()` on a service."""

    def get_dependency(self, worker_ctx):
        raw = worker_ctx.data.get(CONTEXT_KEY)
        principal = Principal.from_json(raw) if raw else None
        language = worker_ctx.data.get("language") or (principal.language if principal else "nl")
        return Caller(principal, language)


def put_principal(worker_ctx, principal, language):
    """Used by the gateway: every RPC call made by this worker carries the principal."""
    if principal is not None:
        worker_ctx.data[CONTEXT_KEY] = principal.to_json()
    worker_ctx.data["language"] = language
