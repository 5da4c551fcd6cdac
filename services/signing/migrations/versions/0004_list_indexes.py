"""lists: signing requests are read a page at a time (issue #15)

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
        "ix_signing_requests_signer_created",
        "signing_requests",
        ["signer_account_id", "created_at", "id"],
    )
    op.create_index(
        "ix_signing_requests_office_created", "signing_requests", ["office_id", "created_at", "id"]
    )


def downgrade():
    op.drop_index("ix_signing_requests_office_created", table_name="signing_requests")
    op.drop_index("ix_signing_requests_signer_created", table_name="signing_requests")
