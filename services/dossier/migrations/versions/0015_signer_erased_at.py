"""client_retention.signer_erased_at: when signing erased the client as a signer, and
each of a company's extra accounts, current or removed earlier (issue #18). Left empty
for the rows there are: the erasure timer calls signing's erase_signer for every erased
client without it (clients erased before this release included, whom signing never
heard of), which changes nothing where it was done already (idempotent), and sets it.

Revision ID: 0015
Revises: 0014
Create Date: 2026-11-30 22:00:00
"""

import sqlalchemy as sa
from alembic import op

from services.common.db import UTCDateTime

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column(
        "client_retention",
        sa.Column("signer_erased_at", UTCDateTime(timezone=True), nullable=True),
    )


def downgrade():
    with op.batch_alter_table("client_retention", schema=None) as batch_op:
        batch_op.drop_column("signer_erased_at")
