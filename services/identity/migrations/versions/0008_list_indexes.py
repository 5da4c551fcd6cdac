"""lists: the indexes identity's lists are read from, a page at a time (issue #15)

The login attempts' index on (at) becomes (at, id): the admin's list is ordered by
both, and every other read of `at` (a range) is served by the same index.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01 06:00:00
"""

from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade():
    op.drop_index("ix_login_attempts_at", table_name="login_attempts")
    op.create_index("ix_login_attempts_at_id", "login_attempts", ["at", "id"])
    op.create_index("ix_audit_entries_office_at", "audit_entries", ["office_id", "at", "id"])
    op.create_index(
        "ix_registrations_office_status_created",
        "registrations",
        ["office_id", "status", "created_at", "id"],
    )
    op.create_index("ix_devices_account_created", "devices", ["account_id", "created_at", "id"])


def downgrade():
    op.drop_index("ix_devices_account_created", table_name="devices")
    op.drop_index("ix_registrations_office_status_created", table_name="registrations")
    op.drop_index("ix_audit_entries_office_at", table_name="audit_entries")
    op.drop_index("ix_login_attempts_at_id", table_name="login_attempts")
    op.create_index("ix_login_attempts_at", "login_attempts", ["at"])
