"""Unit-test helpers: a throwaway in-memory SQLite database per test, and units of
work over it that commit or roll back exactly as `Store.transaction` does."""

import json

import pytest
from sqlalchemy import create_engine, select, update
from sqlalchemy.orm import Session
from sqlalchemy.pool import StaticPool

from services.common.field_sealing import FieldKeyring
from services.common.sealed_columns import KEYRING
from services.common.unit_of_work import unit_of_work

# The field keyring of services that seal personal fields (sealed_columns.py), in tests.
TEST_KEYRING = FieldKeyring({"t1": bytes(range(32))}, "t1", b"i" * 32)


class Database:
    def __init__(self, metadata, service_name, url=None):
        """In memory; `url`: a SQLite file instead (where leases are files beside it)."""
        self.metadata = metadata
        self.service_name = service_name
        self.info = {KEYRING: TEST_KEYRING}  # unused by a service without sealed fields
        self.engine = (
            create_engine(url)
            if url
            else create_engine(
                "sqlite://", poolclass=StaticPool, connect_args={"check_same_thread": False}
            )
        )
        metadata.create_all(self.engine)

    def unit_of_work(self):
        return unit_of_work(
            self.engine, self.service_name, self.metadata.tables["outbox"], self.info
        )

    def all(self, model, *where):
        with Session(self.engine, expire_on_commit=False, info=self.info) as session:
            return session.scalars(select(model).where(*where)).all()

    def get(self, model, key):
        with Session(self.engine, expire_on_commit=False, info=self.info) as session:
            return session.get(model, key)

    def set(self, model, key, **values):
        """Change a row behind the code's back (to move time, not to sleep)."""
        with Session(self.engine) as session, session.begin():
            session.execute(update(model).where(model.id == key).values(**values))

    def outbox(self):
        """Every outbox row as {kind, exchange, routing_key, payload (parsed)}."""
        table = self.metadata.tables["outbox"]
        with self.engine.connect() as connection:
            rows = connection.execute(select(table).order_by(table.c.created_at)).all()
        return [
            {
                "kind": r.kind,
                "exchange": r.exchange,
                "routing_key": r.routing_key,
                "payload": json.loads(r.payload),
            }
            for r in rows
        ]


@pytest.fixture
def identity_db():
    from services.identity.models import metadata

    database = Database(metadata, "identity")
    yield database
    database.engine.dispose()


@pytest.fixture
def notify_db():
    from services.notify.models import metadata

    database = Database(metadata, "notify")
    yield database
    database.engine.dispose()


@pytest.fixture(autouse=True)
def _no_cached_principals():
    """Each test's dispatcher asks its fake identity afresh (gateway/principals.py)."""
    from gateway import principals

    principals.cache.clear()
