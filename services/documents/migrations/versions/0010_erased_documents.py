"""erased_documents: a tombstone per document erased at once (ids and the blob's name),
so that erasing again answers every one and a blob left behind is deleted later
(issue #18)

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-30 21:00:00
"""

import sqlalchemy as sa
from alembic import op

from services.common.db import UTCDateTime

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "erased_documents",
        sa.Column("id", sa.String(length=36), primary_key=True),
        sa.Column("client_id", sa.String(length=36), nullable=False),
        sa.Column("dossier_id", sa.String(length=36), nullable=False),
        sa.Column("blob_name", sa.String(length=36), nullable=False),
        sa.Column("erased_at", UTCDateTime(), nullable=False),
        sa.Column("blob_deleted_at", UTCDateTime(), nullable=True),
    )
    op.create_index("ix_erased_documents_client_id", "erased_documents", ["client_id"])
    op.create_index("ix_erased_documents_blob_deleted_at", "erased_documents", ["blob_deleted_at"])


def downgrade():
    op.drop_index("ix_erased_documents_blob_deleted_at", table_name="erased_documents")
    op.drop_index("ix_erased_documents_client_id", table_name="erased_documents")
    op.drop_table("erased_documents")
