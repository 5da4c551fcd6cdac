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


# -- webhooks out (webhooks.py, webhook_delivery.py) ---------------------------------


class Webhook(Base):
    """An office's HTTPS endpoint. Status: active | paused (after a delivery failed for
    a whole retry window; a manual redelivery makes it active again)."""

    __tablename__ = "webhooks"
    __table_args__ = (sa.Index("ix_webhooks_office", "office_id", "created_at"),)
    id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)
    office_id: Mapped[str] = mapped_column(sa.String(36))
    url: Mapped[str] = mapped_column(sa.String(2048))
    events: Mapped[str] = mapped_column(sa.String(500))  # space-separated event names
    secret: Mapped[str] = mapped_column(sa.String(200))  # encrypted (webhook_signing.py)
    status: Mapped[str] = mapped_column(sa.String(10))
    # The owner who registered it: told by e-mail when it is paused.
    owner_account_id: Mapped[str] = mapped_column(sa.String(36))
    owner_email: Mapped[str] = mapped_column(sa.String(254))
    owner_name: Mapped[str] = mapped_column(sa.String(200))
    owner_language: Mapped[str] = mapped_column(sa.String(2))
    created_at = mapped_column(UTCDateTime, nullable=False)
    paused_at = mapped_column(UTCDateTime, nullable=True)


class WebhookDelivery(Base):
    """One event for one endpoint. Status: pending -> sending -> delivered | pending
    (a retry, `next_attempt_at`) | failed (its retry window, from
    `window_started_at`, ran out). The body is kept
    as sent, so that a retry and a redelivery send the same bytes."""

    __tablename__ = "webhook_deliveries"
    __table_args__ = (
        sa.UniqueConstraint("webhook_id", "event_id", name="uq_webhook_deliveries_event"),
        sa.Index("ix_webhook_deliveries_due", "status", "next_attempt_at"),
        sa.Index("ix_webhook_deliveries_log", "webhook_id", "created_at"),
    )
    id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)
    webhook_id: Mapped[str] = mapped_column(
        sa.String(36), sa.ForeignKey("webhooks.id", ondelete="CASCADE")
    )
    event_id: Mapped[str] = mapped_column(sa.String(64))
    event_type: Mapped[str] = mapped_column(sa.String(50))
    body: Mapped[str] = mapped_column(sa.Text)
    status: Mapped[str] = mapped_column(sa.String(10))
    attempts: Mapped[int] = mapped_column(sa.Integer, default=0)
    next_attempt_at = mapped_column(UTCDateTime, nullable=False)
    window_started_at = mapped_column(UTCDateTime, nullable=False)  # retried for a window from here
    last_status_code: Mapped[int | None] = mapped_column(sa.Integer, nullable=True)
    last_error: Mapped[str | None] = mapped_column(sa.String(300), nullable=True)
    last_attempt_at = mapped_column(UTCDateTime, nullable=True)
    delivered_at = mapped_column(UTCDateTime, nullable=True)
    created_at = mapped_column(UTCDateTime, nullable=False)
    updated_at = mapped_column(UTCDateTime, nullable=False)
