"""paging: the indexes the dossiers and clients lists are read from, a page at a time

Revision ID: 0007
Revises: 0006
"""
from alembic import op

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_dossiers_office_status_created', 'dossiers',
                    ['office_id', 'status', 'created_at', 'id'])
    op.create_index('ix_clients_office_name', 'clients', ['office_id', 'name', 'id'])


def downgrade():
    op.drop_index('ix_clients_office_name', table_name='clients')
    op.drop_index('ix_dossiers_office_status_created', table_name='dossiers')
