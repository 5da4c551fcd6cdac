"""The migrations that introduce the audit chain (issue #18) chain the entries that
were written before it: per stream, oldest first (by time, then id), exactly as
`audit_store.chain_entries` would have, and set each stream's head. Then the chain
columns become required and (stream, seq) unique."""

import sqlalchemy as sa
from alembic import op

from . import audit_chain
from .db import UTCDateTime

CHAIN_COLUMNS = ("stream", "seq", "prev_hash", "content_hash", "entry_hash")


def upgrade(model, stream_of, content_of, content_columns):
    """`content_columns`: the columns that `stream_of` and `content_of` read."""
    _add_columns_and_tables()
    table = model.__table__
    rows = op.get_bind().execute(
        sa.select(*(table.c[name] for name in content_columns)).order_by(table.c.at, table.c.id)
    )
    heads = {}
    for row in rows.fetchall():
        stream = stream_of(row)
        seq, prev = heads.get(stream, (0, audit_chain.GENESIS))
        content_hash = audit_chain.sha256(content_of(row))
        entry_hash = audit_chain.link_hash(stream, seq + 1, prev, content_hash)
        op.execute(
            table.update()
            .where(table.c.id == row.id)
            .values(
                stream=stream,
                seq=seq + 1,
                prev_hash=prev,
                content_hash=content_hash,
                entry_hash=entry_hash,
            )
        )
        heads[stream] = (seq + 1, entry_hash)
    if heads:
        op.bulk_insert(
            model.metadata.tables["audit_heads"],
            [{"stream": s, "seq": seq, "hash": h} for s, (seq, h) in heads.items()],
        )
    with op.batch_alter_table("audit_entries") as batch:
        for name in CHAIN_COLUMNS:
            batch.alter_column(name, existing_type=table.c[name].type, nullable=False)
        batch.create_unique_constraint("uq_audit_entries_stream_seq", ["stream", "seq"])


def _add_columns_and_tables():
    op.add_column("audit_entries", sa.Column("stream", sa.String(length=80), nullable=True))
    op.add_column("audit_entries", sa.Column("seq", sa.BigInteger(), nullable=True))
    for name in CHAIN_COLUMNS[2:]:
        op.add_column("audit_entries", sa.Column(name, sa.String(length=64), nullable=True))
    op.create_table(
        "audit_heads",
        sa.Column("stream", sa.String(length=80), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("stream"),
    )
    op.create_table(
        "audit_checkpoints",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("stream", sa.String(length=80), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.Column("at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("signature", sa.String(length=100), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_audit_checkpoints_stream_seq", "audit_checkpoints", ["stream", "seq"], unique=False
    )


def downgrade():
    op.drop_index("ix_audit_checkpoints_stream_seq", table_name="audit_checkpoints")
    op.drop_table("audit_checkpoints")
    op.drop_table("audit_heads")
    with op.batch_alter_table("audit_entries") as batch:
        batch.drop_constraint("uq_audit_entries_stream_seq", type_="unique")
        for name in CHAIN_COLUMNS:
            batch.drop_column(name)
