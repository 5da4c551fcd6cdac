"""an invitation is bound to the address it was sent to; an existing portal account
is linked only once its holder accepts

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-30 02:40:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("clients", schema=None) as batch_op:
        batch_op.add_column(sa.Column("invitation_email", sa.String(length=254), nullable=True))
        batch_op.add_column(sa.Column("pending_account_id", sa.String(length=36), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_clients_pending_account_id"), ["pending_account_id"], unique=False
        )
    # An open link of before this revision went to the record's address of then: void
    # it (the office sends a fresh one) rather than trust the address of now.
    op.execute(
        "UPDATE clients SET invitation_token_hash = NULL, invitation_status = "
        "'not_invited' WHERE invitation_status = 'sent' AND account_id IS NULL"
    )


def downgrade():
    with op.batch_alter_table("clients", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_clients_pending_account_id"))
        batch_op.drop_column("pending_account_id")
        batch_op.drop_column("invitation_email")
