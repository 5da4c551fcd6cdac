"""the furthest page of a questionnaire that was saved

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-29 23:50:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("questionnaires", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("last_saved_page", sa.Integer(), nullable=False, server_default="0")
        )


def downgrade():
    with op.batch_alter_table("questionnaires", schema=None) as batch_op:
        batch_op.drop_column("last_saved_page")
