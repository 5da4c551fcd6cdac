"""the signer's name, e-mail address and evidence, and the document's title, sealed under
a key per signer's client record (issue #18): signer_field_keys, and the four columns
become text that holds the sealed values (services/common/sealed_columns.py)

Rows written before keep their values as they were (read as they are) until
erase_signer blanks them at the end of the client's retention.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-30 21:00:00
"""

import sqlalchemy as sa
from alembic import op

import services.common.db

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "signer_field_keys",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("owner_id", sa.String(length=36), nullable=False),
        sa.Column("kek_id", sa.String(length=32), nullable=False),
        sa.Column("wrapped", sa.LargeBinary(length=60), nullable=True),
        sa.Column("created_at", services.common.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("shredded_at", services.common.db.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("owner_id"),
    )
    with op.batch_alter_table("signing_requests", schema=None) as batch_op:
        batch_op.alter_column("title", existing_type=sa.String(length=200), type_=sa.Text())
        batch_op.alter_column("signer_name", existing_type=sa.String(length=200), type_=sa.Text())
        batch_op.alter_column("signer_email", existing_type=sa.String(length=254), type_=sa.Text())
        batch_op.alter_column(
            "evidence",
            existing_type=sa.JSON(),
            type_=sa.Text(),
            existing_nullable=True,
            postgresql_using="evidence::text",
        )


def downgrade():
    # Sealed values are longer than the old columns: only a database without any goes back.
    with op.batch_alter_table("signing_requests", schema=None) as batch_op:
        batch_op.alter_column(
            "evidence",
            existing_type=sa.Text(),
            type_=sa.JSON(),
            existing_nullable=True,
            postgresql_using="evidence::json",
        )
        batch_op.alter_column("signer_email", existing_type=sa.Text(), type_=sa.String(length=254))
        batch_op.alter_column("signer_name", existing_type=sa.Text(), type_=sa.String(length=200))
        batch_op.alter_column("title", existing_type=sa.Text(), type_=sa.String(length=200))
    op.drop_table("signer_field_keys")
