"""Alembic for every service: `python -m services.common.migrate [service ...]`
upgrades each service's own database (its URL from settings) to its newest revision.

Each service keeps its revisions in `services/<name>/migrations/versions/`; its env.py
is two lines that call `run_env` with the service's metadata.
"""

import sys
from pathlib import Path

from alembic import command, context
from alembic.config import Config
from sqlalchemy import pool

from .db import make_engine
from .settings import SERVICE_CLASSES, database_url

SERVICES = tuple(SERVICE_CLASSES)
ROOT = Path(__file__).resolve().parents[2]


def alembic_config(service, url=None):
    config = Config()
    config.set_main_option("script_location", str(ROOT / "services" / service / "migrations"))
    config.set_main_option("sqlalchemy.url", (url or database_url(service)).replace("%", "%%"))
    return config


def upgrade(service, url=None):
    command.upgrade(alembic_config(service, url), "head")


def run_env(metadata):
    """Body of every service's migrations/env.py (online mode only)."""
    url = context.config.get_main_option("sqlalchemy.url")
    engine = (
        make_engine(url)
        if url.startswith("sqlite")
        else __import__("sqlalchemy").create_engine(url, poolclass=pool.NullPool)
    )
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=metadata,
            render_as_batch=url.startswith("sqlite"),
        )
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


if __name__ == "__main__":
    for name in sys.argv[1:] or SERVICES:
        upgrade(name)
