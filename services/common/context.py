"""The authenticated principal, carried from the gateway to every service in the
RPC context (nameko context data, header `nameko.principal`), signed.

Identity resolves a bearer token to a principal and signs it (Ed25519, its own key,
services/common/principal_keys.py) with a short expiry (PRINCIPAL_TTL_S, default 60 s);
the gateway forwards that signed form unchanged in the context of every call it makes.
A service that calls another on its own behalf signs a service principal (kind
"service", account_id its own name) with its own key. Every service verifies the
signature and the expiry before it reads a field (the `Caller` dependency): anything
unsigned, altered, expired or signed by the wrong key is treated as no principal at
all, so `require` answers Unauthenticated. Broker access alone is not identity.

The signed form is `p1.<payload>.<signature>`, both base64url; the payload is JSON:
the principal's fields plus `iss` (who signed) and `exp` (epoch seconds). The
source address and user agent of the HTTP request travel beside it (context keys
`source_ip`, `user_agent`): what the gateway saw, not part of the signature.
"""

import base64
import binascii
import json
import time
from dataclasses import asdict, dataclass, field, replace

from cryptography.exceptions import InvalidSignature
from nameko.extensions import DependencyProvider

from . import principal_keys
from .errors import Forbidden, ReadOnlySession, ScopeMissing, Unauthenticated

CONTEXT_KEY = "principal"
REQUEST_KEYS = ("source_ip", "user_agent")  # the gateway's view of the HTTP request
PREFIX = "p1."
API_KEY = "api_key"  # the auth_method (and audit actor kind) of an office system's key
# What an office system's key may be allowed (gateway/scopes.py maps routes to them).
API_KEY_SCOPES = (
    "clients:read",
    "dossiers:read",
    "documents:write",
    "requests:write",
    "webhooks:manage",
)
DEFAULT_TTL_S = 60
MAX_SIGNED_LENGTH = 16384  # a principal with many offices stays far below


@dataclass(frozen=True)
class Principal:
    account_id: str
    kind: str  # admin | staff | client | service
    session_id: str = None
    language: str = "nl"
    read_only: bool = False
    source_ip: str = None
    user_agent: str = None
    offices: dict = field(default_factory=dict)  # office_id -> role
    looked_along_by: str = None  # look-along: the staff member behind the read-only session
    scope_office_id: str = None  # look-along: the one office whose records it sees
    auth_method: str = None  # how the session was opened: password[+sms|+totp], device, ...
    # An office system's API key (auth_method "api_key"): staff of its one office, role
    # "staff", account_id the key's id, allowed only these scopes (services/identity/api_keys.py).
    scopes: tuple = None
    signed: str = field(default=None, repr=False, compare=False)  # the form on the bus
    expires_at: int = field(default=None, compare=False)  # epoch seconds: signed until

    def to_json(self):
        return json.dumps(self.claims(), sort_keys=True)

    def claims(self):
        """The fields identity vouches for (not the request's, not the signature)."""
        data = asdict(self)
        for name in ("signed", "expires_at", *REQUEST_KEYS):
            data.pop(name)
        return data

    @classmethod
    def from_json(cls, text):
        return cls.from_dict(json.loads(text))

    @classmethod
    def from_dict(cls, data):
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        return cls(**known)

    @property
    def is_admin(self):
        return self.kind == "admin"

    @property
    def is_api_key(self):
        return self.auth_method == API_KEY

    @property
    def actor_kind(self):
        """Who acted, for an audit trail: an API key is "api_key", not the staff it acts as."""
        return API_KEY if self.is_api_key else self.kind

    def require_scope(self, scope):
        """ScopeMissing for an API key without `scope`; anyone else passes."""
        if self.is_api_key and scope not in (self.scopes or ()):
            raise ScopeMissing()


def sign(principal, issuer, ttl_s=DEFAULT_TTL_S, now=None, key=None):
    """`principal` signed by `issuer`'s key (or `key`) until now + ttl_s: a copy whose
    `signed` and `expires_at` are set."""
    expires_at = int((now if now is not None else time.time()) + ttl_s)
    payload = json.dumps(
        {**principal.claims(), "iss": issuer, "exp": expires_at},
        sort_keys=True,
        separators=(",", ":"),
    ).encode()
    signature = (key or principal_keys.private_key(issuer)).sign(payload)
    return replace(
        principal, expires_at=expires_at, signed=PREFIX + _b64(payload) + "." + _b64(signature)
    )


# Signed forms this process has verified -> their principal. The gateway hands the same
# signed form on for most of its life, so each is checked once per process and then
# found here by its exact text (the expiry is still checked on every call).
_verified = {}
MAX_VERIFIED = 10_000


def verify(signed, now=None):
    """The principal in a signed form, or None unless its signature is good, it has
    not expired and its signer may vouch for it: identity for people, a service
    only for itself."""
    if (
        not isinstance(signed, str)
        or not signed.startswith(PREFIX)
        or len(signed) > MAX_SIGNED_LENGTH
    ):
        return None
    now = now if now is not None else time.time()
    principal = _verified.get(signed)
    if principal is None:
        principal = _check(signed)
        if principal is None:
            return None
        if len(_verified) >= MAX_VERIFIED:  # full: start afresh (each is checked again)
            _verified.clear()
        _verified[signed] = principal
    return principal if principal.expires_at > now else None


def _check(signed):
    """verify's work for a signed form not seen before (any expiry)."""
    try:
        payload_part, signature_part = signed[len(PREFIX) :].split(".")
        payload, signature = _unb64(payload_part), _unb64(signature_part)
        claims = json.loads(payload)
        issuer = claims.pop("iss")
        expires_at = claims.pop("exp")
        key = principal_keys.public_key(issuer)
        if key is None:
            return None
        key.verify(signature, payload)
        principal = Principal.from_dict(claims)
    except (ValueError, KeyError, TypeError, AttributeError, InvalidSignature, binascii.Error):
        return None
    if not isinstance(expires_at, int) or isinstance(expires_at, bool):
        return None
    allowed = (
        principal.account_id == issuer if principal.kind == "service" else issuer == "identity"
    )
    return replace(principal, signed=signed, expires_at=expires_at) if allowed else None


def _b64(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text):
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


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

    def require_service(self, *names):
        """The calling service, when it is one of `names`; else raise (Forbidden for
        anyone else, Unauthenticated for nobody)."""
        principal = self.require("service")
        if principal.account_id not in names:
            raise Forbidden()
        return principal


class CallerProvider(DependencyProvider):
    """Declare as `caller = CallerProvider()` on a service. At start it makes the
    service's own key pair (and publishes its public key) when there is none yet."""

    def setup(self):
        principal_keys.private_key(self.container.service_name)

    def get_dependency(self, worker_ctx):
        principal = verify(worker_ctx.data.get(CONTEXT_KEY))
        if principal is not None and principal.kind != "service":
            principal = replace(principal, **{k: worker_ctx.data.get(k) for k in REQUEST_KEYS})
        language = worker_ctx.data.get("language") or (principal.language if principal else "nl")
        return Caller(principal, language)


def put_principal(worker_ctx, principal, language):
    """Used by the gateway: every RPC call made by this worker carries the principal in
    the signed form identity gave it (with the request's address and user agent)."""
    if principal is not None:
        worker_ctx.data[CONTEXT_KEY] = principal.signed
        for key in REQUEST_KEYS:  # a header of None would be dropped with a warning
            if getattr(principal, key) is not None:
                worker_ctx.data[key] = getattr(principal, key)
    worker_ctx.data["language"] = language
