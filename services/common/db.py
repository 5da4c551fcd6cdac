"""Engines and sessions for a service's own database (SQLite by default, PostgreSQL
by configuration), and the column types every service uses."""

import uuid
from datetime import UTC, datetime

from sqlalchemy import DateTime, create_engine, event
from sqlalchemy.pool import QueuePool
from sqlalchemy.types import TypeDecorator


def utcnow():
    return datetime.now(UTC)


def new_id():
    return str(uuid.uuid4())


class UTCDateTime(TypeDecorator):
    """Aware UTC datetimes in, aware UTC datetimes out, on SQLite and PostgreSQL alike."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def make_engine(url, pool_size=10):
    """An engine fit for eventlet.

    SQLite: one pooled connection per process. SQLite's busy wait sleeps in C and
    would block the whole eventlet hub while another greenthread holds the write
    lock; with one connection, greenthreads queue in the (cooperative) pool instead.
    Transactions must therefore be short and never nested.
    """
    if url.startswith("sqlite"):
        return _sqlite_engine(url)
    return create_engine(
        url, pool_size=pool_size, max_overflow=5, pool_pre_ping=True, pool_timeout=30
    )


def _sqlite_engine(url):
    path = url.split("///", 1)[-1]
    if path and path != ":memory:":
        from pathlib import Path

        Path(path).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(
        url,
        poolclass=QueuePool,
        pool_size=1,
        max_overflow=0,
        pool_timeout=30,
        connect_args={"check_same_thread": False, "timeout": 5},
    )

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_conn, _record):
        cursor = dbapi_conn.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    return engine
