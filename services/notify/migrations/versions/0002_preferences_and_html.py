"""preferences and html

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 02:49:25.948902
"""

import sqlalchemy as sa
from alembic import op

import services.common.db

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "preferences",
        sa.Column("account_id", sa.String(length=36), nullable=False),
        sa.Column("new_documents", sa.Boolean(), nullable=False),
        sa.Column("questionnaires", sa.Boolean(), nullable=False),
        sa.Column("messages", sa.Boolean(), nullable=False),
        sa.Column("updated_at", services.common.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("account_id"),
    )
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.add_column(sa.Column("html", sa.Text(), nullable=True))


def downgrade():
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.drop_column("html")

    op.drop_table("preferences")
