"""The outbox and inbox tables that every service keeps in its own database.

outbox: facts (events) and commands written in the same transaction as the state
        change they announce; the relay publishes them with publisher confirms and
        marks them sent only after the broker confirmed. A row written inside an HTTP
        request keeps its request id, published as the message's `nameko.request_id`
        header: the handler's worker in the receiving service then logs with it.
inbox:  every event or command received, keyed by its message id: a duplicate is
        recognised and skipped; a failing handler is retried with backoff and, after
        the last attempt, parked (status `parked`) where an operator sees and replays it.
"""

import sqlalchemy as sa

from .db import UTCDateTime


def plumbing_tables(metadata):
    outbox = sa.Table(
        "outbox",
        metadata,
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("kind", sa.String(10), nullable=False),  # event | command
        sa.Column("exchange", sa.String(100), nullable=False),
        sa.Column("routing_key", sa.String(100), nullable=False),
        sa.Column("payload", sa.Text, nullable=False),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.Column("next_attempt_at", UTCDateTime, nullable=False),
        sa.Column("sent_at", UTCDateTime, nullable=True),
        sa.Column("attempts", sa.Integer, nullable=False, default=0),
        sa.Column("last_error", sa.String(300), nullable=True),
        # the X-Request-ID of the HTTP request that caused it: published with it
        sa.Column("request_id", sa.String(64), nullable=True),
        sa.Index("ix_outbox_pending", "sent_at", "next_attempt_at"),
    )
    inbox = sa.Table(
        "inbox",
        metadata,
        sa.Column("message_id", sa.String(64), primary_key=True),
        sa.Column("source", sa.String(100), nullable=False),
        sa.Column("payload", sa.Text, nullable=False),
        sa.Column("status", sa.String(10), nullable=False),  # received | done | parked
        sa.Column("attempts", sa.Integer, nullable=False, default=0),
        sa.Column("next_attempt_at", UTCDateTime, nullable=False),
        sa.Column("last_error", sa.String(300), nullable=True),
        sa.Column("received_at", UTCDateTime, nullable=False),
        sa.Column("done_at", UTCDateTime, nullable=True),
        sa.Index("ix_inbox_due", "status", "next_attempt_at"),
    )
    return outbox, inbox
