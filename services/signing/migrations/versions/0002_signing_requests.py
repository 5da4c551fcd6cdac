"""signing requests

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 04:27:34.791874
"""

import sqlalchemy as sa
from alembic import op

import services.common.db

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "signing_requests",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("document_id", sa.String(length=36), nullable=False),
        sa.Column("dossier_id", sa.String(length=36), nullable=False),
        sa.Column("office_id", sa.String(length=36), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("document_sha256", sa.String(length=64), nullable=False),
        sa.Column("signer_client_id", sa.String(length=36), nullable=False),
        sa.Column("signer_account_id", sa.String(length=36), nullable=False),
        sa.Column("signer_name", sa.String(length=200), nullable=False),
        sa.Column("signer_email", sa.String(length=254), nullable=False),
        sa.Column("language", sa.String(length=2), nullable=False),
        sa.Column("office_name", sa.String(length=200), nullable=False),
        sa.Column("dossier_number", sa.String(length=50), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("created_by", sa.String(length=36), nullable=False),
        sa.Column("created_at", services.common.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", services.common.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("reminded_at", services.common.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column(
            "signing_started_at", services.common.db.UTCDateTime(timezone=True), nullable=True
        ),
        sa.Column("closed_at", services.common.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("closed_by", sa.String(length=36), nullable=True),
        sa.Column("signed_document_id", sa.String(length=36), nullable=True),
        sa.Column("signed_document_sha256", sa.String(length=64), nullable=True),
        sa.Column("evidence", sa.JSON(), nullable=True),
        sa.Column("seal", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("signing_requests", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_signing_requests_document_id"), ["document_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_signing_requests_dossier_id"), ["dossier_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_signing_requests_expires_at"), ["expires_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_signing_requests_office_id"), ["office_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_signing_requests_signed_document_sha256"),
            ["signed_document_sha256"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_signing_requests_signer_account_id"), ["signer_account_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_signing_requests_status"), ["status"], unique=False)


def downgrade():
    with op.batch_alter_table("signing_requests", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_signing_requests_status"))
        batch_op.drop_index(batch_op.f("ix_signing_requests_signer_account_id"))
        batch_op.drop_index(batch_op.f("ix_signing_requests_signed_document_sha256"))
        batch_op.drop_index(batch_op.f("ix_signing_requests_office_id"))
        batch_op.drop_index(batch_op.f("ix_signing_requests_expires_at"))
        batch_op.drop_index(batch_op.f("ix_signing_requests_dossier_id"))
        batch_op.drop_index(batch_op.f("ix_signing_requests_document_id"))

    op.drop_table("signing_requests")
