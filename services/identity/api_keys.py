"""An office system's API keys: an owner creates one (shown once, kept as its hash,
with scopes and an expiry), lists them and revokes one, which counts at once.

A key authenticates as a principal of kind "staff" with role "staff" at its one office
(never an owner, never the admin, never a client), `auth_method` "api_key",
`account_id` the key's id and its `scopes`: every rule about consent and visibility
treats it as that office's staff, the gateway allows it only the routes its scopes
name (gateway/scopes.py), and audit trails name the key (`actor_kind` "api_key")."""

from datetime import timedelta

from sqlalchemy import func, select

from services.common.context import API_KEY, API_KEY_SCOPES
from services.common.db import new_id, utcnow
from services.common.errors import NotFound, Unauthenticated
from services.common.tokens import digest, new_token

from . import staff
from .events import SessionRevoked
from .exceptions import ExpiryOutOfRange, TooManyApiKeys, UnknownScope
from .models import Account, ApiKey

PREFIX = "klk_"  # recognisable in a leak (secret scanners look for it)
SCOPES = API_KEY_SCOPES
MAX_KEYS_PER_OFFICE = 20
DEFAULT_LIFETIME = timedelta(days=365)
MAX_LIFETIME = timedelta(days=730)
USE_WRITE_INTERVAL = timedelta(minutes=1)  # last_used_at is written at most this often


def is_api_key(token):
    return isinstance(token, str) and token.startswith(PREFIX)


def _require_owner(principal, office_id):
    """Only an owner of the office (signed in as a person) manages its keys; NotFound
    for anyone else."""
    if (
        principal.kind != "staff"
        or principal.is_api_key
        or principal.offices.get(office_id) != "owner"
    ):
        raise NotFound()


def create(uow, principal, office_id, name, scopes, expires_at=None):
    """-> {id, key, name, scopes, expires_at, created_at}: `key` shown this once."""
    _require_owner(principal, office_id)
    unknown = sorted(set(scopes) - set(SCOPES))
    if unknown:
        raise UnknownScope({"scopes": unknown})
    now = utcnow()
    expires_at = _expiry(now, expires_at)
    if _live_count(uow, office_id, now) >= MAX_KEYS_PER_OFFICE:
        raise TooManyApiKeys({"max": MAX_KEYS_PER_OFFICE})
    token, _ = new_token()
    key = PREFIX + token
    api_key = ApiKey(
        id=new_id(),
        key_hash=digest(key),
        office_id=office_id,
        name=name,
        scopes=" ".join(s for s in SCOPES if s in scopes),
        created_by=principal.account_id,
        created_at=now,
        expires_at=expires_at,
    )
    uow.session.add(api_key)
    staff.record(uow, principal.account_id, "api_key_created", "api_key", api_key.id, office_id)
    return {"key": key, **describe(api_key)}


def _expiry(now, expires_at):
    if expires_at is None:
        return now + DEFAULT_LIFETIME
    if expires_at <= now or expires_at > now + MAX_LIFETIME:
        raise ExpiryOutOfRange()
    return expires_at


def _live_count(uow, office_id, now):
    return uow.session.scalar(
        select(func.count(ApiKey.id)).where(
            ApiKey.office_id == office_id, ApiKey.revoked_at.is_(None), ApiKey.expires_at > now
        )
    )


def list_for(uow, principal, office_id):
    """-> {items: [...]}: the office's keys, newest first (never the key itself)."""
    _require_owner(principal, office_id)
    keys = uow.session.scalars(
        select(ApiKey).where(ApiKey.office_id == office_id).order_by(ApiKey.created_at.desc())
    )
    return {"items": [describe(k) for k in keys]}


def revoke(uow, principal, office_id, key_id):
    """The key is refused from now on (event `session_revoked` for the gateways' caches)."""
    _require_owner(principal, office_id)
    api_key = uow.session.get(ApiKey, key_id)
    if api_key is None or api_key.office_id != office_id:
        raise NotFound()
    if api_key.revoked_at is None:
        api_key.revoked_at = utcnow()
        staff.record(uow, principal.account_id, "api_key_revoked", "api_key", key_id, office_id)
        uow.emit(
            SessionRevoked(account_id=key_id, reason="api_key_revoked"),
            actor=principal.account_id,
        )


def owner_of(uow, principal):
    """The contact of the owner who made the calling key; NotFound for anyone else."""
    api_key = uow.session.get(ApiKey, principal.account_id) if principal.is_api_key else None
    account = uow.session.get(Account, api_key.created_by) if api_key else None
    if account is None:
        raise NotFound()
    return {"email": account.email, "language": account.language, "name": account.name}


def describe(api_key):
    return {
        "id": api_key.id,
        "name": api_key.name,
        "scopes": api_key.scopes.split(),
        "expires_at": api_key.expires_at.isoformat(),
        "created_at": api_key.created_at.isoformat(),
        "last_used_at": _iso(api_key.last_used_at),
        "revoked_at": _iso(api_key.revoked_at),
    }


def _iso(value):
    return value.isoformat() if value else None


def authenticate(uow, token, touch):
    """The principal of a live key (as sessions.authenticate answers, `session` holding
    the key's expiry for the gateway's cache); Unauthenticated otherwise."""
    api_key = uow.session.scalar(select(ApiKey).where(ApiKey.key_hash == digest(token)))
    now = utcnow()
    if api_key is None or api_key.revoked_at is not None or now >= api_key.expires_at:
        raise Unauthenticated()
    if touch:
        _mark_used(api_key, now)
    return {
        "account_id": api_key.id,
        "kind": "staff",
        "session_id": None,
        "language": None,
        "read_only": False,
        "offices": {api_key.office_id: "staff"},
        "auth_method": API_KEY,
        "scopes": api_key.scopes.split(),
        "session": {
            "expires_at": api_key.expires_at.isoformat(),
            "last_activity_at": _iso(api_key.last_used_at or now),
            "activity_interval_s": USE_WRITE_INTERVAL.total_seconds(),
        },
    }


def touch(uow, key_id):
    """Use of the key now (the gateway reports it once a minute). -> {expires_at}."""
    api_key = uow.session.get(ApiKey, key_id)
    now = utcnow()
    if api_key is None or api_key.revoked_at is not None or now >= api_key.expires_at:
        raise Unauthenticated()
    _mark_used(api_key, now)
    return {"expires_at": api_key.expires_at.isoformat(), "now": now.isoformat()}


def _mark_used(api_key, now):
    if api_key.last_used_at is None or now - api_key.last_used_at >= USE_WRITE_INTERVAL:
        api_key.last_used_at = now
