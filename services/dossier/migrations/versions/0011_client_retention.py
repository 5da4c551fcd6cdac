"""client_retention: a client relationship that ended, and until when its records are
kept before they are erased (issue #18: AVG art. 17 against Wwft art. 33); clients.
retained_for: meanwhile only that office's owner sees the client; clients.
erasure_requested_at: the client asked for erasure

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-30 17:00:00
"""

import sqlalchemy as sa
from alembic import op

from services.common.db import UTCDateTime

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("clients", sa.Column("retained_for", sa.String(length=36), nullable=True))
    op.add_column(
        "clients", sa.Column("erasure_requested_at", UTCDateTime(timezone=True), nullable=True)
    )
    op.create_table(
        "client_retention",
        sa.Column("client_id", sa.String(length=36), nullable=False),
        sa.Column("office_id", sa.String(length=36), nullable=False),
        sa.Column("ended_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("ended_by", sa.String(length=36), nullable=False),
        sa.Column("erase_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("erased_at", UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["client_id"], ["clients.id"]),
        sa.PrimaryKeyConstraint("client_id"),
    )
    op.create_index("ix_client_retention_office_id", "client_retention", ["office_id"])
    op.create_index("ix_client_retention_erase_at", "client_retention", ["erase_at"])


def downgrade():
    op.drop_index("ix_client_retention_erase_at", table_name="client_retention")
    op.drop_index("ix_client_retention_office_id", table_name="client_retention")
    op.drop_table("client_retention")
    with op.batch_alter_table("clients", schema=None) as batch_op:
        batch_op.drop_column("retained_for")
        batch_op.drop_column("erasure_requested_at")
