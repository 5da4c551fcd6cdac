"""outbox: each row keeps the request id of the HTTP request that caused it (issue #16)

The relay publishes it with the event or command, so that the handler's log lines in
the receiving service carry it too.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-30 13:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("outbox", sa.Column("request_id", sa.String(length=64), nullable=True))


def downgrade():
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_column("request_id")
