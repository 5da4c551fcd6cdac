"""activation links second step look-along

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 02:33:24.020452
"""

import sqlalchemy as sa
from alembic import op

import services.common.db

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "second_steps",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("account_id", sa.String(length=36), nullable=False),
        sa.Column("purpose", sa.String(length=10), nullable=False),
        sa.Column("method", sa.String(length=10), nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=True),
        sa.Column("secret", sa.String(length=64), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("source_ip", sa.String(length=64), nullable=True),
        sa.Column("user_agent", sa.String(length=300), nullable=True),
        sa.Column("expires_at", services.common.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("used_at", services.common.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["account_id"], ["accounts.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("second_steps", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_second_steps_account_id"), ["account_id"], unique=False
        )

    with op.batch_alter_table("accounts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("second_factor", sa.String(length=10), nullable=True))
        batch_op.add_column(sa.Column("second_factor_secret", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("recovery_code_hashes", sa.Text(), nullable=True))

    with op.batch_alter_table("password_resets", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("purpose", sa.String(length=12), server_default="reset", nullable=False)
        )
        batch_op.add_column(sa.Column("sms_code_hash", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("attempts", sa.Integer(), server_default="0", nullable=False))

    with op.batch_alter_table("sessions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("looked_along_by", sa.String(length=36), nullable=True))
        batch_op.add_column(sa.Column("scope_office_id", sa.String(length=36), nullable=True))


def downgrade():
    with op.batch_alter_table("sessions", schema=None) as batch_op:
        batch_op.drop_column("scope_office_id")
        batch_op.drop_column("looked_along_by")

    with op.batch_alter_table("password_resets", schema=None) as batch_op:
        batch_op.drop_column("attempts")
        batch_op.drop_column("sms_code_hash")
        batch_op.drop_column("purpose")

    with op.batch_alter_table("accounts", schema=None) as batch_op:
        batch_op.drop_column("recovery_code_hashes")
        batch_op.drop_column("second_factor_secret")
        batch_op.drop_column("second_factor")

    with op.batch_alter_table("second_steps", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_second_steps_account_id"))

    op.drop_table("second_steps")
