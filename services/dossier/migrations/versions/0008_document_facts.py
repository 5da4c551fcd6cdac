"""document facts: the read model of documents' facts behind the counts per tab
(issue #15), and the one-time backfill of the documents that exist already

Revision ID: 0008
Revises: 0007
"""

import sqlalchemy as sa
from alembic import op

import services.common.db

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "document_facts",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("dossier_id", sa.String(length=36), nullable=False),
        sa.Column("category", sa.String(length=20), nullable=False),
        sa.Column("public", sa.Boolean(), nullable=False),
        sa.Column("uploaded_by", sa.String(length=36), nullable=False),
        sa.Column("public_at", services.common.db.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_document_facts_counts",
        "document_facts",
        ["dossier_id", "category", "public", "uploaded_by", "id"],
    )
    op.create_table(
        "document_reads",
        sa.Column("document_id", sa.String(length=36), nullable=False),
        sa.Column("account_id", sa.String(length=36), nullable=False),
        sa.PrimaryKeyConstraint("document_id", "account_id"),
    )
    backfills = op.create_table(
        "backfills",
        sa.Column("name", sa.String(length=50), nullable=False),
        sa.Column("cursor", sa.String(length=100), nullable=True),
        sa.Column("done_at", services.common.db.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("name"),
    )
    # dossier copies the documents there are from documents once it runs (its timer
    # backfill_document_facts); a new deployment finds none and is done at once.
    op.bulk_insert(backfills, [{"name": "document_facts", "cursor": None, "done_at": None}])


def downgrade():
    op.drop_table("backfills")
    op.drop_table("document_reads")
    op.drop_index("ix_document_facts_counts", table_name="document_facts")
    op.drop_table("document_facts")
