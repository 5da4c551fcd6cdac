"""the browser that asks for an app login and its secret; the office's name on a registration

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-30 00:30:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("app_logins", schema=None) as batch_op:
        batch_op.add_column(sa.Column("user_agent", sa.String(length=300), nullable=True))
        batch_op.add_column(sa.Column("poll_secret_hash", sa.String(length=64), nullable=True))
    with op.batch_alter_table("registrations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("office_name", sa.String(length=200), nullable=True))


def downgrade():
    with op.batch_alter_table("registrations", schema=None) as batch_op:
        batch_op.drop_column("office_name")
    with op.batch_alter_table("app_logins", schema=None) as batch_op:
        batch_op.drop_column("poll_secret_hash")
        batch_op.drop_column("user_agent")
    with op.batch_alter_table("app_logins", schema=None) as batch_op:
        batch_op.drop_column("user_agent")
