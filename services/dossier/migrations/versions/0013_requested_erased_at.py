"""client_retention.requested_erased_at: when what goes at once for a client who asked
for erasure (their messages, questionnaire answers and the documents no law keeps) was
erased (issue #18). Until it is set, the erasure timer retries it. Left empty for the
rows there are: the timer's first round carries out those steps again, which changes
nothing where they were done already (each is idempotent) and sets it.

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-30 20:45:00
"""

import sqlalchemy as sa
from alembic import op

from services.common.db import UTCDateTime

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column(
        "client_retention",
        sa.Column("requested_erased_at", UTCDateTime(timezone=True), nullable=True),
    )


def downgrade():
    with op.batch_alter_table("client_retention", schema=None) as batch_op:
        batch_op.drop_column("requested_erased_at")
