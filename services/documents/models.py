"""documents's tables (its own work arrives with its issue; for now the outbox and inbox)."""
from sqlalchemy.orm import DeclarativeBase

from services.common.plumbing import plumbing_tables


class Base(DeclarativeBase):
    pass


metadata = Base.metadata
plumbing_tables(metadata)
