"""client_keys: each client's key, wrapped by the key-encryption key; it wraps the data
keys of the client's blobs, so that destroying it shreds them all (issue #18)

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-30 16:30:00
"""

import sqlalchemy as sa
from alembic import op

from services.common.db import UTCDateTime

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "client_keys",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("client_id", sa.String(length=36), nullable=False),
        sa.Column("kek_id", sa.String(length=32), nullable=False),
        sa.Column("wrapped", sa.LargeBinary(length=64), nullable=True),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("shredded_at", UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_client_keys_client_id", "client_keys", ["client_id"])


def downgrade():
    op.drop_index("ix_client_keys_client_id", table_name="client_keys")
    op.drop_table("client_keys")
