"""notify's tables: every notification is persisted before it is sent."""

import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from services.common.db import UTCDateTime
from services.common.plumbing import plumbing_tables


class Base(DeclarativeBase):
    pass


metadata = Base.metadata
plumbing_tables(metadata)


class Notification(Base):
    """Status: created -> sending -> delivered | temporary-failure (retried) |
    permanent-failure | technical-failure (GOV.UK Notify's statuses)."""

    __tablename__ = "notifications"
    # The delivery log, newest first, a page at a time (services/common/paging.py); the
    # status index also finds the ones due to be sent.
    __table_args__ = (
        sa.Index("ix_notifications_created", "created_at", "id"),
        sa.Index("ix_notifications_status_created", "status", "created_at", "id"),
    )
    id: Mapped[str] = mapped_column(sa.String(64), primary_key=True)  # the command's message id
    template: Mapped[str] = mapped_column(sa.String(50))
    channel: Mapped[str] = mapped_column(sa.String(10))  # email | sms
    recipient: Mapped[str] = mapped_column(sa.String(254))
    language: Mapped[str] = mapped_column(sa.String(2))
    subject: Mapped[str] = mapped_column(sa.String(300), default="")
    body: Mapped[str | None] = mapped_column(sa.Text, nullable=True)  # blanked once delivered
    html: Mapped[str | None] = mapped_column(sa.Text, nullable=True)  # e-mail only; likewise
    status: Mapped[str] = mapped_column(sa.String(20))
    attempts: Mapped[int] = mapped_column(sa.Integer, default=0)
    next_attempt_at = mapped_column(UTCDateTime, nullable=False)
    last_error: Mapped[str | None] = mapped_column(sa.String(300), nullable=True)
    created_at = mapped_column(UTCDateTime, nullable=False)
    updated_at = mapped_column(UTCDateTime, nullable=False)
    sent_at = mapped_column(UTCDateTime, nullable=True)


class Preference(Base):
    """A client's choice of which news to receive by e-mail (security mail always goes),
    and the language they chose for everything they receive."""

    __tablename__ = "preferences"
    account_id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)
    new_documents: Mapped[bool] = mapped_column(sa.Boolean, default=True)
    questionnaires: Mapped[bool] = mapped_column(sa.Boolean, default=True)
    messages: Mapped[bool] = mapped_column(sa.Boolean, default=True)
    # The account's own language (identity's `account_language_changed`), which wins
    # over the language a sender knew of; None until the account chose one.
    language: Mapped[str | None] = mapped_column(sa.String(2), nullable=True)
    updated_at = mapped_column(UTCDateTime, nullable=False)
