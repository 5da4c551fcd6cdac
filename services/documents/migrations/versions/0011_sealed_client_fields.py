"""the client's document titles and file names, upload names, and request descriptions
and reasons sealed under a field key per client (issue #18): client_field_keys, and
those columns become text that holds the sealed values (services/common/sealed_columns.py)

Rows written before keep their values as they were (read as they are); shred_client
destroys the client's field key at the end of retention.

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-30 21:00:00
"""

import sqlalchemy as sa
from alembic import op

from services.common.db import UTCDateTime

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

# table -> [(column, its length before, nullable)]
SEALED = {
    "documents": [("title", 200, False), ("name", 200, False)],
    "uploads": [("name", 200, True)],
    "document_requests": [("description", 2000, True), ("reason", 1000, True)],
}


def upgrade():
    op.create_table(
        "client_field_keys",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("owner_id", sa.String(length=36), nullable=False),
        sa.Column("kek_id", sa.String(length=32), nullable=False),
        sa.Column("wrapped", sa.LargeBinary(length=60), nullable=True),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("shredded_at", UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("owner_id"),
    )
    for table, columns in SEALED.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            for column, length, nullable in columns:
                batch_op.alter_column(
                    column,
                    existing_type=sa.String(length=length),
                    type_=sa.Text(),
                    existing_nullable=nullable,
                )


def downgrade():
    # Sealed values are longer than the old columns: only a database without any goes back.
    for table, columns in SEALED.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            for column, length, nullable in columns:
                batch_op.alter_column(
                    column,
                    existing_type=sa.Text(),
                    type_=sa.String(length=length),
                    existing_nullable=nullable,
                )
    op.drop_table("client_field_keys")
