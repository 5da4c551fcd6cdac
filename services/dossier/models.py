"""dossier's tables."""
import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from services.common.db import UTCDateTime
from services.common.plumbing import plumbing_tables


class Base(DeclarativeBase):
    pass


metadata = Base.metadata
plumbing_tables(metadata)


class Office(Base):
    """An advisory office, known by its distribution-partner ID."""
    __tablename__ = "offices"
    id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)
    partner_id: Mapped[str] = mapped_column(sa.String(50), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    city: Mapped[str] = mapped_column(sa.String(100))
    label: Mapped[str | None] = mapped_column(sa.String(100), nullable=True)
    created_at = mapped_column(UTCDateTime, nullable=False)
