"""lists: the indexes the rest of dossier's lists are read from, a page at a time (issue #15)

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01 06:00:00
"""

from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

INDEXES = (
    ("ix_offices_name", "offices", ["name", "id"]),
    ("ix_clients_parent_name", "clients", ["parent_id", "name", "id"]),
    ("ix_products_client_created", "products", ["client_id", "created_at", "id"]),
    (
        "ix_mortgage_applications_office_status_created",
        "mortgage_applications",
        ["office_id", "status", "created_at", "id"],
    ),
    (
        "ix_mortgage_applications_status_created",
        "mortgage_applications",
        ["status", "created_at", "id"],
    ),
    (
        "ix_questionnaire_templates_office_created",
        "questionnaire_templates",
        ["office_id", "created_at", "id"],
    ),
    ("ix_questionnaires_dossier_created", "questionnaires", ["dossier_id", "created_at", "id"]),
    (
        "ix_questionnaires_client_status_created",
        "questionnaires",
        ["client_id", "status", "created_at", "id"],
    ),
)


def upgrade():
    for name, table, columns in INDEXES:
        op.create_index(name, table, columns)


def downgrade():
    for name, table, _columns in reversed(INDEXES):
        op.drop_index(name, table_name=table)
