"""paging: the indexes a dossier's documents and requests lists are read from, a page at a time

Revision ID: 0003
Revises: 0002
"""

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_documents_dossier_created", "documents", ["dossier_id", "created_at", "id"])
    op.create_index(
        "ix_document_requests_dossier_created",
        "document_requests",
        ["dossier_id", "created_at", "id"],
    )


def downgrade():
    op.drop_index("ix_document_requests_dossier_created", table_name="document_requests")
    op.drop_index("ix_documents_dossier_created", table_name="documents")
