"""The audit chain in a service's database (the rules: services/common/audit_chain.py).

- `ChainedEntry`, mixed into a service's AuditEntry model: stream, seq, prev_hash,
  content_hash, entry_hash; (stream, seq) is unique.
- `audit_tables(metadata)`: `audit_heads` (one row per stream: its last seq and hash)
  and `audit_checkpoints` (signed {stream, seq, hash, at}).
- `chain_entries(model, stream_of, content_of)`: every inserted entry is appended to its
  stream in the inserting transaction. The head row (made at seq 0 if missing) is moved
  on with an UPDATE before it is read: that takes the row's lock on PostgreSQL (a concurrent writer of the same stream waits,
  then sees the new head) and the database's write lock on SQLite, so there is one
  sequence per stream however many writers and instances there are; the unique
  (stream, seq) is the backstop. A flush that appends to several streams locks their
  heads in name order first, so that two such transactions cannot deadlock.
"""

from datetime import UTC

import sqlalchemy as sa
from sqlalchemy import event, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Mapped, Session, mapped_column

from . import audit_chain
from .db import UTCDateTime, new_id, utcnow

STREAM_LENGTH = 80


class ChainedEntry:
    """The chain columns of an audit entry (set on insert by `chain_entries`)."""

    stream: Mapped[str] = mapped_column(sa.String(STREAM_LENGTH))
    seq: Mapped[int] = mapped_column(sa.BigInteger)
    prev_hash: Mapped[str] = mapped_column(sa.String(64))
    content_hash: Mapped[str] = mapped_column(sa.String(64))
    entry_hash: Mapped[str] = mapped_column(sa.String(64))


def audit_tables(metadata):
    heads = sa.Table(
        "audit_heads",
        metadata,
        sa.Column("stream", sa.String(STREAM_LENGTH), primary_key=True),
        sa.Column("seq", sa.BigInteger, nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
    )
    checkpoints = sa.Table(
        "audit_checkpoints",
        metadata,
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("stream", sa.String(STREAM_LENGTH), nullable=False),
        sa.Column("seq", sa.BigInteger, nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
        sa.Column("at", UTCDateTime, nullable=False),
        sa.Column("signature", sa.String(100), nullable=False),
        sa.Index("ix_audit_checkpoints_stream_seq", "stream", "seq"),
    )
    return heads, checkpoints


def timestamp(moment):
    """The one text form of a time in an entry's content."""
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


_CHAINED = {}  # model -> (its stream_of, its audit_heads table)


def chain_entries(model, stream_of, content_of):
    heads = model.metadata.tables["audit_heads"]
    _CHAINED[model] = (stream_of, heads)

    @event.listens_for(model, "before_insert")
    def append(_mapper, connection, entry):
        entry.stream = stream_of(entry)
        entry.content_hash = audit_chain.sha256(content_of(entry))
        entry.seq, entry.prev_hash = advance(connection, heads, entry.stream)
        entry.entry_hash = audit_chain.link_hash(
            entry.stream, entry.seq, entry.prev_hash, entry.content_hash
        )
        connection.execute(
            update(heads).where(heads.c.stream == entry.stream).values(hash=entry.entry_hash)
        )


@event.listens_for(Session, "before_flush")
def _lock_heads_in_order(session, _context, _instances):
    """A flush that appends to several streams takes their heads in the order of their
    names first (PostgreSQL): two such transactions never wait for each other in a
    circle (a deadlock), whatever order their entries were added in."""
    streams = {}
    for entry in session.new:
        if type(entry) in _CHAINED:
            stream_of, heads = _CHAINED[type(entry)]
            streams.setdefault(heads, set()).add(stream_of(entry))
    for heads, names in streams.items():
        if len(names) > 1 and session.get_bind().dialect.name == "postgresql":
            connection = session.connection()
            for name in sorted(names):
                _ensure_head(connection, heads, name)
            connection.execute(
                select(heads.c.stream)
                .where(heads.c.stream.in_(sorted(names)))
                .order_by(heads.c.stream)
                .with_for_update()
            )


def advance(connection, heads, stream):
    """-> (the next seq of `stream`, the hash it follows), holding the head's lock until
    the transaction ends. A new stream's head is made first, at seq 0."""
    _ensure_head(connection, heads, stream)
    row = connection.execute(
        update(heads)
        .where(heads.c.stream == stream)
        .values(seq=heads.c.seq + 1)
        .returning(heads.c.seq, heads.c.hash)
    ).one()
    return row.seq, row.hash


def _ensure_head(connection, heads, stream):
    """The stream's head row, made at seq 0 unless it is there (a write: on SQLite it
    takes the database's write lock before the head is read)."""
    dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
    new = dialect.insert(heads)
    connection.execute(
        new.values(stream=stream, seq=0, hash=audit_chain.GENESIS).on_conflict_do_nothing()
    )


def entries_of(session, model, content_of, stream, upto=None, shows=None):
    """The stream's entries in order, as audit_chain reads them; with `shows`, an entry
    it refuses keeps only its hashes (someone else's, in an export)."""
    query = select(model).where(model.stream == stream)
    if upto is not None:
        query = query.where(model.seq <= upto)
    return [
        {
            "seq": e.seq,
            "prev": e.prev_hash,
            "hash": e.entry_hash,
            "content_hash": e.content_hash,
            **({"content": content_of(e)} if shows is None or shows(e) else {}),
        }
        for e in session.scalars(query.order_by(model.seq))
    ]


def checkpoints_of(session, metadata, stream, upto=None):
    table = metadata.tables["audit_checkpoints"]
    query = select(table).where(table.c.stream == stream)
    if upto is not None:
        query = query.where(table.c.seq <= upto)
    return [_checkpoint(row) for row in session.execute(query.order_by(table.c.seq))]


def _checkpoint(row):
    return {
        "stream": row.stream,
        "seq": row.seq,
        "hash": row.hash,
        "at": timestamp(row.at),
        "signature": row.signature,
    }


def sign_head(session, metadata, key, stream):
    """-> a signed checkpoint of the stream's head as it is now (the last one again when
    the head has not moved since); None for a stream that has no entry."""
    heads, table = metadata.tables["audit_heads"], metadata.tables["audit_checkpoints"]
    head = session.execute(select(heads).where(heads.c.stream == stream)).first()
    if head is None or head.seq == 0:
        return None
    last = session.execute(
        select(table).where(table.c.stream == stream).order_by(table.c.seq.desc()).limit(1)
    ).first()
    if last is not None and last.seq == head.seq:
        return _checkpoint(last)
    return _sign(session, table, key, head)


def _sign(session, table, key, head):
    checkpoint = {"stream": head.stream, "seq": head.seq, "hash": head.hash}
    at = utcnow()
    checkpoint["at"] = timestamp(at)
    checkpoint["signature"] = audit_chain.sign(key, audit_chain.checkpoint_payload(checkpoint))
    session.execute(
        insert(table).values(
            id=new_id(), **{k: v for k, v in checkpoint.items() if k != "at"}, at=at
        )
    )
    return checkpoint


def sign_moved_heads(session, metadata, key, limit=500):
    """Checkpoint every stream whose head moved since its last checkpoint (at most
    `limit` a round). -> the checkpoints signed."""
    heads, table = metadata.tables["audit_heads"], metadata.tables["audit_checkpoints"]
    signed = (
        select(table.c.stream, sa.func.max(table.c.seq).label("seq"))
        .group_by(table.c.stream)
        .subquery()
    )
    moved = (
        select(heads)
        .outerjoin(signed, signed.c.stream == heads.c.stream)
        .where(heads.c.seq > 0, sa.or_(signed.c.seq.is_(None), signed.c.seq < heads.c.seq))
        .order_by(heads.c.stream)
        .limit(limit)
    )
    return [_sign(session, table, key, head) for head in session.execute(moved).all()]
