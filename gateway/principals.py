"""The gateway's memory of principals: one RPC per authenticated read, not two.

Each token's principal (what `identity.authenticate` returns) is kept in this process,
keyed by a hash of the token (never the token itself), until the earliest of:
PRINCIPAL_CACHE_TTL_S (default 60 s, gateway/settings.py), the session's idle end as identity last told
it, and the signed principal's own `expires_at` when identity signs it.

An entry goes at once when identity or dossier announce a change of who may do what
(INVALIDATING_EVENTS, delivered to every gateway instance by a broadcast queue of its
own: gateway/service.py), and the whole cache goes after a write through this gateway
that may change who may do what (its event may arrive after the answer); the frequent
writes that cannot are marked `changes_access=False` on their route (gateway/http.py).

With the cache, identity no longer sees each request: the gateway reports activity on
the session (`identity.touch_session`) once per activity interval of the session, in a
green thread of its own, so a request never waits for it."""

import logging
import time
from dataclasses import dataclass
from datetime import datetime

import eventlet

from services.common.tokens import digest
from services.dossier.events import ClientUnlinked, ConsentChanged
from services.identity.events import (
    AccountLanguageChanged,
    AccountLocked,
    AccountRemoved,
    DeviceUnbound,
    MembershipChanged,
    SecondFactorChanged,
    SessionRevoked,
)

from .settings import SETTINGS

log = logging.getLogger(__name__)

MAX_ENTRIES = 100_000

# (service, event): each names an account_id or a session_id whose principals must go.
INVALIDATING_EVENTS = (
    ("identity", SessionRevoked),  # logout, password/second step/language changes
    ("identity", MembershipChanged),  # staff added, removed, role changed
    ("identity", AccountLocked),
    ("identity", AccountRemoved),
    ("identity", SecondFactorChanged),
    ("identity", AccountLanguageChanged),
    ("identity", DeviceUnbound),
    ("dossier", ConsentChanged),
    ("dossier", ClientUnlinked),
)
_DECLARATIONS = {declaration.event_type: declaration for _, declaration in INVALIDATING_EVENTS}


def _epoch(value):
    """Epoch seconds from an ISO time (sessions) or a number (a signed principal's end)."""
    if value in (None, ""):
        return float("inf")
    if isinstance(value, (int, float)):
        return float(value)
    return datetime.fromisoformat(value).timestamp()


# A signed principal is handed on only while it has this long left: a call may wait in a
# service's queue before the service checks the expiry.
SIGNED_MARGIN_S = 15


@dataclass
class Entry:
    principal: dict  # the fields of services.common.context.Principal (and signing's)
    fresh_until: float  # epoch seconds: the TTL, or the signed principal's end
    session_end: float  # epoch seconds: the session's idle end as identity last told it
    reported_at: float  # epoch seconds: the session's last activity identity knows of
    interval: float  # how often activity is worth reporting

    @property
    def until(self):
        return min(self.fresh_until, self.session_end)

    def activity_due(self, now=None):
        return (now or time.time()) - self.reported_at >= self.interval


class PrincipalCache:
    def __init__(self, ttl_s=SETTINGS.principal_cache_ttl_s):
        self.ttl_s = ttl_s
        self.entries = {}  # sha256(token) -> Entry

    @staticmethod
    def key(token):
        return digest(token)

    def get(self, token):
        entry = self.entries.get(self.key(token))
        if entry is not None and time.time() >= entry.until:
            self.entries.pop(self.key(token), None)
            return None
        return entry

    def put(self, token, data):
        """Keeps what identity.authenticate answered; -> the entry."""
        data = dict(data)
        session = data.pop("session", None) or {}
        now = time.time()
        fresh_until = min(now + self.ttl_s, _epoch(data.get("expires_at")) - SIGNED_MARGIN_S)
        entry = Entry(
            data,
            fresh_until,
            _epoch(session.get("expires_at")),
            _epoch(session.get("last_activity_at")) if session else now,
            float(session.get("activity_interval_s") or self.ttl_s),
        )
        if len(self.entries) >= MAX_ENTRIES:
            self.sweep(now)
        self.entries[self.key(token)] = entry
        return entry

    def sweep(self, now):
        for key in [k for k, e in self.entries.items() if now >= e.until]:
            del self.entries[key]
        if len(self.entries) >= MAX_ENTRIES:
            self.entries.clear()

    def drop(self, account_id=None, session_id=None):
        """The entries of an account (and the look-along sessions it opened) or of a
        session; everything when neither is named."""
        if account_id is None and session_id is None:
            self.entries.clear()
            return
        for key in [
            k
            for k, e in self.entries.items()
            if (
                account_id
                and account_id
                in (e.principal.get("account_id"), e.principal.get("looked_along_by"))
            )
            or (session_id and e.principal.get("session_id") == session_id)
        ]:
            self.entries.pop(key, None)

    def clear(self):
        self.entries.clear()


cache = PrincipalCache()


def forget(event):
    """An INVALIDATING_EVENTS event arrived: drop what it names (read through its
    producer's declaration). One that does not fit it (a producer of another version,
    say, during a rolling deploy) drops everything: a revocation is never lost."""
    try:
        event = _DECLARATIONS[event.get("event_type")].load(event)
    except (KeyError, TypeError) as error:
        log.warning("principal cache cleared: an invalidating event did not fit (%s)", error)
        cache.clear()
        return
    cache.drop(event.get("account_id"), event.get("session_id"))


def report_activity(identity, entry):
    """Tells identity about activity on the entry's session, without waiting for it.
    `identity` is the worker's proxy, which calls as the request's principal."""
    entry.reported_at = time.time()  # no second report while this one is under way

    def report():
        try:
            entry.session_end = _epoch(identity.touch_session()["expires_at"])
        except Exception as error:  # ended meanwhile: the next request asks identity
            log.info("activity report failed: %s", type(error).__name__)
            entry.session_end = 0

    eventlet.spawn_n(report)
