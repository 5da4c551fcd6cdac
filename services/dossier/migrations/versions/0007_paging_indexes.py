"""paging: the indexes the lists of dossier are read from, a page at a time

Revision ID: 0007
Revises: 0006
"""

from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index(
        "ix_dossiers_office_status_created", "dossiers", ["office_id", "status", "created_at", "id"]
    )
    op.create_index("ix_clients_office_name", "clients", ["office_id", "name", "id"])
    op.create_index("ix_messages_dossier_created", "messages", ["dossier_id", "created_at", "id"])
    op.create_index(
        "ix_tasks_office_status_created", "tasks", ["office_id", "status", "created_at", "id"]
    )
    op.create_index("ix_audit_entries_dossier_at", "audit_entries", ["dossier_id", "at", "id"])
    op.create_index("ix_audit_entries_client_at", "audit_entries", ["client_id", "at", "id"])


def downgrade():
    for name, table in (
        ("ix_audit_entries_client_at", "audit_entries"),
        ("ix_audit_entries_dossier_at", "audit_entries"),
        ("ix_tasks_office_status_created", "tasks"),
        ("ix_messages_dossier_created", "messages"),
    ):
        op.drop_index(name, table_name=table)
    op.drop_index("ix_clients_office_name", table_name="clients")
    op.drop_index("ix_dossiers_office_status_created", table_name="dossiers")
