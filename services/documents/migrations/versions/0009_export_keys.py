"""client_keys: one current key per client (a unique `current_for`, so that two uploads,
or an upload and a shredding, cannot leave two keys or a live key after the shredding),
and keys of exports (`export_id`, no client; `export_clients` names the clients whose
data an export holds, so that shredding any of them destroys its key too) (issue #18)

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-30 21:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("client_keys", schema=None) as batch_op:
        batch_op.alter_column("client_id", existing_type=sa.String(length=36), nullable=True)
        batch_op.add_column(sa.Column("current_for", sa.String(length=36), nullable=True))
        batch_op.add_column(sa.Column("export_id", sa.String(length=36), nullable=True))
    # The oldest key of each client is its current one (a client may have more: two
    # first uploads at once, before this migration).
    op.execute(
        "UPDATE client_keys SET current_for = client_id WHERE NOT EXISTS ("
        " SELECT 1 FROM client_keys older WHERE older.client_id = client_keys.client_id"
        " AND (older.created_at < client_keys.created_at OR"
        " (older.created_at = client_keys.created_at AND older.id < client_keys.id)))"
    )
    op.create_index("ux_client_keys_current_for", "client_keys", ["current_for"], unique=True)
    op.create_index("ix_client_keys_export_id", "client_keys", ["export_id"])
    op.create_table(
        "export_clients",
        sa.Column("export_id", sa.String(length=36), nullable=False),
        sa.Column("client_id", sa.String(length=36), nullable=False),
        sa.PrimaryKeyConstraint("export_id", "client_id"),
    )
    op.create_index("ix_export_clients_client_id", "export_clients", ["client_id"])


def downgrade():
    op.drop_index("ix_export_clients_client_id", table_name="export_clients")
    op.drop_table("export_clients")
    op.execute("DELETE FROM client_keys WHERE client_id IS NULL")
    op.drop_index("ix_client_keys_export_id", table_name="client_keys")
    op.drop_index("ux_client_keys_current_for", table_name="client_keys")
    with op.batch_alter_table("client_keys", schema=None) as batch_op:
        batch_op.drop_column("export_id")
        batch_op.drop_column("current_for")
        batch_op.alter_column("client_id", existing_type=sa.String(length=36), nullable=False)
