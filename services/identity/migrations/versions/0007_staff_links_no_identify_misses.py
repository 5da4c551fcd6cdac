"""staff links waiting for the person's confirmation; identification misses move to
rate buckets (0005)

Revision ID: 0007
Revises: 0005
Create Date: 2026-11-30 04:00:00
"""

import sqlalchemy as sa
from alembic import op

from services.common.db import UTCDateTime

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "staff_links",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("account_id", sa.String(length=36), nullable=False),
        sa.Column("office_id", sa.String(length=36), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("mobile", sa.String(length=20), nullable=True),
        sa.Column("office_name", sa.String(length=200), nullable=False),
        sa.Column("partner_id", sa.String(length=50), nullable=False),
        sa.Column("created_by", sa.String(length=36), nullable=True),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("used_at", UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["account_id"], ["accounts.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("token_hash"),
    )
    op.create_index("ix_staff_links_account_id", "staff_links", ["account_id"])
    op.create_index("ix_staff_links_office_id", "staff_links", ["office_id"])
    op.create_index("ix_staff_links_expires_at", "staff_links", ["expires_at"])
    op.drop_index("ix_identify_misses_at", table_name="identify_misses")
    op.drop_index("ix_identify_misses_partner_id", table_name="identify_misses")
    op.drop_index("ix_identify_misses_source_ip", table_name="identify_misses")
    op.drop_table("identify_misses")


def downgrade():
    op.create_table(
        "identify_misses",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("partner_id", sa.String(length=50), nullable=False),
        sa.Column("source_ip", sa.String(length=64), nullable=True),
        sa.Column("at", UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_identify_misses_at", "identify_misses", ["at"])
    op.create_index("ix_identify_misses_partner_id", "identify_misses", ["partner_id"])
    op.create_index("ix_identify_misses_source_ip", "identify_misses", ["source_ip"])
    op.drop_index("ix_staff_links_expires_at", table_name="staff_links")
    op.drop_index("ix_staff_links_office_id", table_name="staff_links")
    op.drop_index("ix_staff_links_account_id", table_name="staff_links")
    op.drop_table("staff_links")
