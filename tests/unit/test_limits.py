"""Token buckets in a service's database: a burst, then a wait that refills them."""

from datetime import timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from services.common import limits
from services.common.limits import Buckets, Limit

LIMIT = Limit("test", burst=3, per_s=60)


def _setup():
    metadata = sa.MetaData()
    buckets = Buckets(metadata)
    engine = sa.create_engine("sqlite://")
    metadata.create_all(engine)
    return buckets, Session(engine)


def test_a_burst_then_a_wait_per_key(monkeypatch):
    buckets, session = _setup()
    assert [buckets.take(session, LIMIT, "198.51.100.7") for _ in range(3)] == [None] * 3
    assert buckets.take(session, LIMIT, "198.51.100.7") == 20  # one token per 20 s
    assert buckets.peek(session, LIMIT, "198.51.100.7") == 20
    assert buckets.take(session, LIMIT, "198.51.100.8") is None  # another key: its own
    later = limits.utcnow() + timedelta(seconds=21)
    monkeypatch.setattr(limits, "utcnow", lambda: later)
    assert buckets.take(session, LIMIT, "198.51.100.7") is None
    assert buckets.take(session, LIMIT, "198.51.100.7") is not None


def test_keys_are_stored_hashed_and_forget_refills():
    buckets, session = _setup()
    buckets.take(session, LIMIT, "Anna@Example.nl")
    stored = session.execute(sa.select(buckets.table.c.key_hash)).scalars().all()
    assert stored and all("anna" not in key for key in stored)
    for _ in range(2):
        buckets.take(session, LIMIT, "anna@example.nl ")  # the same key, however written
    assert buckets.take(session, LIMIT, "anna@example.nl") is not None
    buckets.forget(session, LIMIT, "anna@example.nl")
    assert buckets.take(session, LIMIT, "anna@example.nl") is None


def test_a_cost_beyond_the_burst_is_refused_and_old_buckets_are_swept():
    buckets, session = _setup()
    assert buckets.take(session, LIMIT, "k", cost=4) is not None
    buckets.take(session, LIMIT, "k")
    assert buckets.sweep(session, limits.utcnow() + timedelta(seconds=1)) == 1
    assert Limit("x", 1, 1).scaled("5", "") == Limit("x", 5, 1.0)
