"""field_backfill: the state of the background backfill that seals the rows written before
sealing (migration 0011: documents' titles and names, uploads' names, requests' descriptions
and reasons; services/documents/field_backfill.py)

Its row "sealed_fields" is always made: a database with rows written before 0011 has
them sealed once the new version runs; one without finds none in its first round and is
done (a few empty reads). Made always rather than only when there are rows: an instance
of the old version may still write plain values while this runs.

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-30 22:00:00
"""

import sqlalchemy as sa
from alembic import op

from services.common.db import UTCDateTime

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade():
    table = op.create_table(
        "field_backfill",
        sa.Column("name", sa.String(length=50), nullable=False),
        sa.Column("cursor", sa.String(length=100), nullable=True),
        sa.Column("done_at", UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("name"),
    )
    op.bulk_insert(table, [{"name": "sealed_fields", "cursor": None, "done_at": None}])


def downgrade():
    op.drop_table("field_backfill")
