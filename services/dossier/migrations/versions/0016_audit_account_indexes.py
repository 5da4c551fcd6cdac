"""Indexes for a client's own trail (GET /me/audit and the client's audit export): the
entries their account made (actor_id) and those about their account (object_type,
object_id: an office that ended the relationship names the account). Both were read by
scanning every entry (issue #18).

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-01 03:40:00
"""

from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_audit_entries_actor_id", "audit_entries", ["actor_id"])
    op.create_index("ix_audit_entries_object", "audit_entries", ["object_type", "object_id"])


def downgrade():
    op.drop_index("ix_audit_entries_object", table_name="audit_entries")
    op.drop_index("ix_audit_entries_actor_id", table_name="audit_entries")
