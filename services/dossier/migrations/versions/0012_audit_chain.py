"""audit_entries: the hash chain (issue #18). Each entry gets its stream, sequence
number, previous hash, content hash and own hash; audit_heads and audit_checkpoints
(services/common/audit_store.py). The existing entries are chained here, per stream,
oldest first.

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-30 17:00:00
"""

from services.common import audit_backfill
from services.dossier.models import AuditEntry, audit_content, audit_stream

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

CONTENT = (
    "id",
    "at",
    "actor_id",
    "actor_kind",
    "action",
    "client_id",
    "dossier_id",
    "object_type",
    "object_id",
)


def upgrade():
    audit_backfill.upgrade(AuditEntry, audit_stream, audit_content, CONTENT)


def downgrade():
    audit_backfill.downgrade()
