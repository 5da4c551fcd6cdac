"""lists: the delivery log is read a page at a time (issue #15)

The index on (status) becomes (status, created_at, id): the log of one status is
ordered by those, and the sender's search for due notifications uses its prefix.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01 06:00:00
"""

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade():
    op.drop_index("ix_notifications_status", table_name="notifications")
    op.create_index(
        "ix_notifications_status_created", "notifications", ["status", "created_at", "id"]
    )
    op.create_index("ix_notifications_created", "notifications", ["created_at", "id"])


def downgrade():
    op.drop_index("ix_notifications_created", table_name="notifications")
    op.drop_index("ix_notifications_status_created", table_name="notifications")
    op.create_index("ix_notifications_status", "notifications", ["status"])
