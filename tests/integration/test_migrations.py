"""Every service's Alembic migrations build, on a fresh PostgreSQL database, exactly the
schema its models describe (autogenerate finds nothing to add, drop or change)."""

import importlib

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.pool import NullPool

from services.common.migrate import SERVICES, alembic_config, upgrade


@pytest.mark.parametrize("service", SERVICES)
def test_migrated_schema_matches_the_models(service, pg_url):
    upgrade(service, pg_url)
    upgrade(service, pg_url)  # at head already: a no-op, as on every deploy
    metadata = importlib.import_module(f"services.{service}.models").metadata
    head = ScriptDirectory.from_config(alembic_config(service, pg_url)).get_current_head()

    engine = sa.create_engine(pg_url, poolclass=NullPool)
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            assert context.get_current_revision() == head
            differences = compare_metadata(context, metadata)
    finally:
        engine.dispose()
    assert differences == []
