"""webhooks: an office's HTTPS endpoints and their deliveries (issue #19)

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-30 16:30:00
"""

import sqlalchemy as sa
from alembic import op

import services.common.db

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

UTC = services.common.db.UTCDateTime(timezone=True)


def upgrade():
    op.create_table(
        "webhooks",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("office_id", sa.String(length=36), nullable=False),
        sa.Column("url", sa.String(length=2048), nullable=False),
        sa.Column("events", sa.String(length=500), nullable=False),
        sa.Column("secret", sa.String(length=200), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("owner_account_id", sa.String(length=36), nullable=False),
        sa.Column("owner_email", sa.String(length=254), nullable=False),
        sa.Column("owner_name", sa.String(length=200), nullable=False),
        sa.Column("owner_language", sa.String(length=2), nullable=False),
        sa.Column("created_at", UTC, nullable=False),
        sa.Column("paused_at", UTC, nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_webhooks_office", "webhooks", ["office_id", "created_at"])
    op.create_table(
        "webhook_deliveries",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("webhook_id", sa.String(length=36), nullable=False),
        sa.Column("event_id", sa.String(length=64), nullable=False),
        sa.Column("event_type", sa.String(length=50), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", UTC, nullable=False),
        sa.Column("window_started_at", UTC, nullable=False),
        sa.Column("last_status_code", sa.Integer(), nullable=True),
        sa.Column("last_error", sa.String(length=300), nullable=True),
        sa.Column("last_attempt_at", UTC, nullable=True),
        sa.Column("delivered_at", UTC, nullable=True),
        sa.Column("created_at", UTC, nullable=False),
        sa.Column("updated_at", UTC, nullable=False),
        sa.ForeignKeyConstraint(["webhook_id"], ["webhooks.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("webhook_id", "event_id", name="uq_webhook_deliveries_event"),
    )
    op.create_index(
        "ix_webhook_deliveries_due", "webhook_deliveries", ["status", "next_attempt_at"]
    )
    op.create_index("ix_webhook_deliveries_log", "webhook_deliveries", ["webhook_id", "created_at"])


def downgrade():
    op.drop_index("ix_webhook_deliveries_log", table_name="webhook_deliveries")
    op.drop_index("ix_webhook_deliveries_due", table_name="webhook_deliveries")
    op.drop_table("webhook_deliveries")
    op.drop_index("ix_webhooks_office", table_name="webhooks")
    op.drop_table("webhooks")
