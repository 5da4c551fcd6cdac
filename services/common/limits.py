"""Token buckets kept in a service's own database, so that every instance of the
service counts against the same limit.

A `Limit` says how much may happen per key: `burst` at once, refilled to `burst` over
`per_s` seconds (so at most `burst` per `per_s` when used steadily). A key is whatever
is limited (a source address, an account, a telephone number); it is stored only as a
SHA-256 hash with its scope, never in the clear.

    buckets = Buckets(metadata)                      # in the service's models.py
    LOGIN_PER_ADDRESS = Limit("login_address", burst=20, per_s=600)
    retry_after = buckets.take(session, LOGIN_PER_ADDRESS, source_ip)   # None: allowed
    if retry_after: raise RateLimited({"retry_after_s": retry_after})

`take` writes in the caller's session: call it in a transaction of its own, or refuse
with `uow.refuse(error)` (services/common/store.py), which commits what was taken, so
that refused attempts still count.
`peek` answers without taking. `forget` empties a key (a successful reset, say).
"""

import math
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from .db import UTCDateTime, utcnow
from .tokens import digest


@dataclass(frozen=True)
class Limit:
    scope: str
    burst: int
    per_s: float

    def scaled(self, burst=None, per_s=None):
        """The same limit with settings from configuration (None keeps the default)."""
        return Limit(
            self.scope,
            int(burst) if burst not in (None, "") else self.burst,
            float(per_s) if per_s not in (None, "") else self.per_s,
        )


class Buckets:
    """The `rate_buckets` table of one service's metadata, and the operations on it."""

    def __init__(self, metadata):
        self.table = sa.Table(
            "rate_buckets",
            metadata,
            sa.Column("scope", sa.String(40), primary_key=True),
            sa.Column("key_hash", sa.String(64), primary_key=True),
            sa.Column("tokens", sa.Float, nullable=False),
            sa.Column("updated_at", UTCDateTime, nullable=False, index=True),
        )

    def _where(self, limit, key):
        return sa.and_(self.table.c.scope == limit.scope, self.table.c.key_hash == _key(key))

    def take(self, session, limit, key, cost=1):
        """Take `cost` tokens for `key`. -> None when allowed, else the seconds to wait
        (nothing is taken then)."""
        now = utcnow()
        row = session.execute(
            sa.select(self.table.c.tokens, self.table.c.updated_at)
            .where(self._where(limit, key))
            .with_for_update()
        ).first()
        if row is None:
            return self._first_take(session, limit, key, cost, now)
        tokens = _now_tokens(limit, row.tokens, row.updated_at, now)
        if tokens < cost:
            return _retry_after(limit, tokens, cost)
        session.execute(
            sa.update(self.table)
            .where(self._where(limit, key))
            .values(tokens=tokens - cost, updated_at=now)
        )
        return None

    def _first_take(self, session, limit, key, cost, now):
        """`take` for a key without a row yet: a full bucket, less `cost`."""
        if cost > limit.burst:
            return _retry_after(limit, limit.burst, cost)
        try:
            with session.begin_nested():
                session.execute(
                    sa.insert(self.table).values(
                        scope=limit.scope,
                        key_hash=_key(key),
                        tokens=limit.burst - cost,
                        updated_at=now,
                    )
                )
            return None
        except IntegrityError:  # another request created it just now: take from that
            return self.take(session, limit, key, cost)

    def peek(self, session, limit, key, cost=1):
        """-> None when `cost` tokens could be taken now, else the seconds to wait."""
        row = session.execute(
            sa.select(self.table.c.tokens, self.table.c.updated_at).where(self._where(limit, key))
        ).first()
        if row is None:
            return None if cost <= limit.burst else _retry_after(limit, limit.burst, cost)
        tokens = _now_tokens(limit, row.tokens, row.updated_at, utcnow())
        return None if tokens >= cost else _retry_after(limit, tokens, cost)

    def forget(self, session, limit, key):
        """Fill the bucket again (a successful password reset lifts a lock, say)."""
        session.execute(sa.delete(self.table).where(self._where(limit, key)))

    def sweep(self, session, older_than):
        """Remove buckets untouched since `older_than`: they are full again by then."""
        return session.execute(
            sa.delete(self.table).where(self.table.c.updated_at < older_than)
        ).rowcount


def _key(value):
    return digest(str(value or "").strip().lower())


def _now_tokens(limit, tokens, updated_at, now):
    rate = limit.burst / limit.per_s
    return min(float(limit.burst), tokens + max(0.0, (now - updated_at).total_seconds()) * rate)


def _retry_after(limit, tokens, cost):
    rate = limit.burst / limit.per_s
    return max(1, math.ceil((cost - tokens) / rate))
