"""Sealed personal fields (issue #18, crypto-shredding): client_field_keys, one field key
per client record, wrapped by FIELD_KEYS; the sealed columns become Text (a sealed value
is longer than its text; answers and attachments are kept as sealed JSON text);
clients.email_index and invitation_email_index, the blind indexes of the e-mail
addresses (and mobile_index, of the mobile number), replace the look-ups and the unique (office_id, email) on the plain address;
the indexes that sorted clients by their plain name go (the list sorts in Python now).

Rows written before stay readable as they are (a value that is not sealed is returned
as it is) until the background backfill (services/dossier/field_backfill.py) seals them
and fills their blind indexes.

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-30 21:00:00
"""

import sqlalchemy as sa
from alembic import op

from services.common.db import UTCDateTime

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

TEXT_COLUMNS = (
    ("clients", "name", 200),
    ("clients", "email", 254),
    ("clients", "mobile", 20),
    ("clients", "invitation_email", 254),
    ("products", "number", 50),
    ("messages", "subject", 200),
    ("messages", "body", 500),
)
JSON_COLUMNS = (("messages", "attachments"), ("questionnaires", "answers"))


def _postgres():
    return op.get_bind().dialect.name == "postgresql"


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
    op.drop_index("ix_clients_office_name", table_name="clients")
    op.drop_index("ix_clients_parent_name", table_name="clients")
    op.drop_index("ix_clients_email", table_name="clients")
    op.add_column("clients", sa.Column("email_index", sa.String(length=64), nullable=True))
    op.add_column(
        "clients", sa.Column("invitation_email_index", sa.String(length=64), nullable=True)
    )
    op.create_index("ix_clients_email_index", "clients", ["email_index"])
    op.create_index("ix_clients_invitation_email_index", "clients", ["invitation_email_index"])
    op.add_column("clients", sa.Column("mobile_index", sa.String(length=64), nullable=True))
    op.create_index("ix_clients_mobile_index", "clients", ["mobile_index"])
    if not _postgres():
        # SQLite (one machine, tests): its column types are affinities, not limits, so
        # the columns stay as declared; changing them (or dropping the unnamed unique
        # (office_id, email)) would copy the tables, which the foreign keys forbid inside
        # the migration's transaction. That constraint stays, harmless: a sealed value
        # is unique anyway. The blind index is unique per office by an index.
        op.create_index(
            "uq_clients_office_email_index", "clients", ["office_id", "email_index"], unique=True
        )
    else:
        op.drop_constraint("clients_office_id_email_key", "clients", type_="unique")
        op.create_unique_constraint(
            "uq_clients_office_email_index", "clients", ["office_id", "email_index"]
        )
        for table, column, length in TEXT_COLUMNS:
            op.alter_column(table, column, type_=sa.Text(), existing_type=sa.String(length))
        for table, column in JSON_COLUMNS:
            op.alter_column(
                table,
                column,
                type_=sa.Text(),
                existing_type=sa.JSON(),
                existing_nullable=False,
                postgresql_using=f"{column}::text",
            )
    # the rows there are get sealed once dossier runs (field_backfill.py, its timer); a
    # new deployment finds none and is done at once
    backfills = sa.table(
        "backfills",
        sa.column("name", sa.String),
        sa.column("cursor", sa.String),
        sa.column("done_at", UTCDateTime),
    )
    op.bulk_insert(backfills, [{"name": "sealed_fields", "cursor": None, "done_at": None}])


def downgrade():
    """Back to plain columns: only before any value was sealed (a sealed value does not
    fit them, and the old code would show it as it is)."""
    op.execute("DELETE FROM backfills WHERE name = 'sealed_fields'")
    if _postgres():
        for table, column in JSON_COLUMNS:
            op.alter_column(
                table,
                column,
                type_=sa.JSON(),
                existing_type=sa.Text(),
                existing_nullable=False,
                postgresql_using=f"{column}::json",
            )
        for table, column, length in TEXT_COLUMNS:
            op.alter_column(table, column, type_=sa.String(length), existing_type=sa.Text())
        op.drop_constraint("uq_clients_office_email_index", "clients", type_="unique")
        op.create_unique_constraint(
            "clients_office_id_email_key", "clients", ["office_id", "email"]
        )
    else:
        op.drop_index("uq_clients_office_email_index", table_name="clients")
    op.drop_index("ix_clients_mobile_index", table_name="clients")
    op.drop_index("ix_clients_invitation_email_index", table_name="clients")
    op.drop_index("ix_clients_email_index", table_name="clients")
    with op.batch_alter_table("clients") as batch_op:
        batch_op.drop_column("mobile_index")
        batch_op.drop_column("invitation_email_index")
        batch_op.drop_column("email_index")
    op.create_index("ix_clients_email", "clients", ["email"])
    op.create_index("ix_clients_parent_name", "clients", ["parent_id", "name", "id"])
    op.create_index("ix_clients_office_name", "clients", ["office_id", "name", "id"])
    op.drop_table("client_field_keys")
