"""`lease(engine, name)`: work that must happen once however many instances of a service
run, held by one process at a time.

    with lease(engine, "expire_and_remind") as held:
        if held:
            ...  # no other instance is doing this right now

It never waits: an instance that finds the lease taken skips its round (the holder is
doing the work). It is released when the block ends, and by the operating system or
the database when the holding process dies, so a crash never leaves it taken.

A service takes its leases through its Store (`store.lease(name)`), which names them
`<service>.<name>`: services that share one database never share a lease.

- PostgreSQL: a session advisory lock (`pg_try_advisory_lock`) on a connection of its
  own, keyed by the name in the service's database.
- SQLite: instances share the database file, so they share its folder: an exclusive,
  non-blocking `flock` on `<database>.<name>.lease` next to it. (An in-memory database
  has one process: always held.)

A lease makes rounds exclusive, not rare: when one instance's round ends, the next
instance's tick may run another. The work must therefore still be guarded by the state
of its rows (a reminder records `reminded_at`, an expiry sets the status), which a
round reads only after the previous round committed.
"""

import fcntl
import hashlib
import os
from contextlib import contextmanager

from sqlalchemy import text

NAME_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789_.-")


def lock_key(name):
    """A stable signed 64-bit key for `name` (advisory locks take a bigint)."""
    return int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big", signed=True)


@contextmanager
def lease(engine, name):
    """-> True while this process holds the lease `name`, False when another one does."""
    if not name or not set(name) <= NAME_CHARS:
        raise ValueError(f"a lease name is lower-case letters, digits and _.-: {name!r}")
    if engine.dialect.name == "postgresql":
        with _advisory_lock(engine, name) as held:
            yield held
    else:
        with _file_lock(engine, name) as held:
            yield held


@contextmanager
def _advisory_lock(engine, name):
    key = lock_key(name)
    with engine.connect() as connection:
        connection = connection.execution_options(isolation_level="AUTOCOMMIT")
        held = connection.scalar(text("SELECT pg_try_advisory_lock(:key)"), {"key": key})
        try:
            yield bool(held)
        finally:
            if held:
                try:
                    connection.scalar(text("SELECT pg_advisory_unlock(:key)"), {"key": key})
                except Exception:
                    # never back to the pool still holding it: closing the session frees it
                    connection.invalidate()
                    raise


@contextmanager
def _file_lock(engine, name):
    path = engine.url.database
    if not path or path == ":memory:":
        yield True
        return
    fd = os.open(f"{path}.{name}.lease", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)
