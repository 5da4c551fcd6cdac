"""exports: a client's export of their own data (AVG art. 15 and 20, issue #18)

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-30 17:00:00
"""

import sqlalchemy as sa
from alembic import op

import services.common.db

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "exports",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("account_id", sa.String(length=36), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("language", sa.String(length=2), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=True),
        sa.Column("sha256", sa.String(length=64), nullable=True),
        sa.Column("blob_kept", sa.Boolean(), nullable=False),
        sa.Column("requested_at", services.common.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("ready_at", services.common.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("expires_at", services.common.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("downloaded_at", services.common.db.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("exports", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_exports_account_id"), ["account_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_exports_status"), ["status"], unique=False)


def downgrade():
    with op.batch_alter_table("exports", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_exports_status"))
        batch_op.drop_index(batch_op.f("ix_exports_account_id"))
    op.drop_table("exports")
