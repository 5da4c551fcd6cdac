"""document requests: a document type (its validity) and the latest delivery's time;
the HDN document request (DA) items and the application each dossier belongs to
(issue #19)

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-30 17:00:00
"""

import sqlalchemy as sa
from alembic import op

from services.common.db import UTCDateTime

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

COLUMNS = (
    ("document_type", sa.String(length=40)),
    ("delivered_at", UTCDateTime()),
    ("hdn_key", sa.String(length=40)),
    ("hdn_code", sa.String(length=10)),
    ("lender_status", sa.String(length=24)),
)


def upgrade():
    for name, kind in COLUMNS:
        op.add_column("document_requests", sa.Column(name, kind, nullable=True))
    op.create_index(
        "ux_document_requests_dossier_hdn",
        "document_requests",
        ["dossier_id", "hdn_key"],
        unique=True,
    )
    op.create_table(
        "hdn_applications",
        sa.Column("dossier_id", sa.String(length=36), primary_key=True),
        sa.Column("office_id", sa.String(length=36), nullable=False),
        sa.Column("application_number", sa.String(length=40), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.UniqueConstraint("office_id", "application_number"),
    )


def downgrade():
    op.drop_table("hdn_applications")
    op.drop_index("ux_document_requests_dossier_hdn", table_name="document_requests")
    with op.batch_alter_table("document_requests", schema=None) as batch_op:
        for name, _ in reversed(COLUMNS):
            batch_op.drop_column(name)
