"""lists: the lender's items are read a page at a time (issue #15)

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
    op.create_index(
        "ix_document_requests_deliver_created",
        "document_requests",
        ["deliver_by", "created_at", "id"],
    )
    op.create_index(
        "ix_document_requests_deliver_status_created",
        "document_requests",
        ["deliver_by", "status", "created_at", "id"],
    )


def downgrade():
    op.drop_index("ix_document_requests_deliver_status_created", table_name="document_requests")
    op.drop_index("ix_document_requests_deliver_created", table_name="document_requests")
