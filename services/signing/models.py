"""signing's tables: signing requests, and the evidence of each signature."""

import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from services.common.db import UTCDateTime
from services.common.limits import Buckets
from services.common.plumbing import plumbing_tables


class Base(DeclarativeBase):
    pass


metadata = Base.metadata
plumbing_tables(metadata)
buckets = Buckets(metadata)  # rate limits (services/common/limits.py)


class SigningRequest(Base):
    """A PDF of a dossier offered to one signer. status pending -> signed, or expired /
    withdrawn. `document_sha256`: the exact bytes offered (and shown); signing checks
    them again. `evidence` + `seal`: what happened, sealed with the platform's key."""

    __tablename__ = "signing_requests"
    # The signer's and the offices' lists, newest first, a page at a time
    # (services/common/paging.py)
    __table_args__ = (
        sa.Index("ix_signing_requests_signer_created", "signer_account_id", "created_at", "id"),
        sa.Index("ix_signing_requests_office_created", "office_id", "created_at", "id"),
    )
    id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)
    document_id: Mapped[str] = mapped_column(sa.String(36), index=True)
    dossier_id: Mapped[str] = mapped_column(sa.String(36), index=True)
    office_id: Mapped[str] = mapped_column(sa.String(36), index=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    document_sha256: Mapped[str] = mapped_column(sa.String(64))
    signer_client_id: Mapped[str] = mapped_column(sa.String(36))
    signer_account_id: Mapped[str] = mapped_column(sa.String(36), index=True)
    signer_name: Mapped[str] = mapped_column(sa.String(200))
    signer_email: Mapped[str] = mapped_column(sa.String(254))
    language: Mapped[str] = mapped_column(sa.String(2))
    office_name: Mapped[str] = mapped_column(sa.String(200))
    dossier_number: Mapped[str] = mapped_column(sa.String(50))
    status: Mapped[str] = mapped_column(sa.String(10), index=True)
    created_by: Mapped[str] = mapped_column(sa.String(36))
    created_at = mapped_column(UTCDateTime, nullable=False)
    expires_at = mapped_column(UTCDateTime, nullable=False, index=True)
    reminded_at = mapped_column(UTCDateTime, nullable=True)
    # While a signature is being made (a second attempt waits or finds it signed).
    signing_started_at = mapped_column(UTCDateTime, nullable=True)
    closed_at = mapped_column(UTCDateTime, nullable=True)  # signed, expired or withdrawn
    closed_by: Mapped[str | None] = mapped_column(sa.String(36), nullable=True)
    signed_document_id: Mapped[str | None] = mapped_column(sa.String(36), nullable=True)
    signed_document_sha256: Mapped[str | None] = mapped_column(
        sa.String(64), nullable=True, index=True
    )
    evidence = mapped_column(sa.JSON, nullable=True)
    seal: Mapped[str | None] = mapped_column(sa.Text, nullable=True)


class VerifyTicket(Base):
    """A one-time permission to send one file to the verify endpoint, issued over RPC
    to the gateway (anyone who can reach the endpoint but has no ticket gets nothing).
    Only the ticket's SHA-256 is kept; it is deleted when used."""

    __tablename__ = "verify_tickets"
    id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)
    ticket_hash: Mapped[str] = mapped_column(sa.String(64))
    expires_at = mapped_column(UTCDateTime, nullable=False, index=True)
