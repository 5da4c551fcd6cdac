"""signing's tables: signing requests, and the evidence of each signature. The signer's
name, e-mail address and the evidence (their address, browser, how they signed in) are
sealed under a key of the signer's client record (`SignerFieldKey`,
services/common/sealed_columns.py): `erase_signer` destroys it at the end of the
client's retention (docs/privacy.md)."""

import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from services.common.db import UTCDateTime
from services.common.field_backfill import BackfillColumns
from services.common.limits import Buckets
from services.common.plumbing import plumbing_tables
from services.common.sealed_columns import (
    FieldKeyColumns,
    SealedJSON,
    SealedText,
    field_key_relationship,
)


class Base(DeclarativeBase):
    pass


metadata = Base.metadata
plumbing_tables(metadata)
buckets = Buckets(metadata)  # rate limits (services/common/limits.py)


class SignerFieldKey(FieldKeyColumns, Base):
    """One key per signer's client record (owner_id: signer_client_id); `wrapped` None
    once destroyed by erase_signer."""

    __tablename__ = "signer_field_keys"


class FieldBackfill(BackfillColumns, Base):
    """The state of the backfill that seals rows written before sealing (migration 0007,
    field_backfill.py): row "sealed_fields"."""

    __tablename__ = "field_backfill"


class SigningRequest(Base):
    """A PDF of a dossier offered to one signer. status pending -> signed, or expired /
    withdrawn. `document_sha256`: the exact bytes offered (and shown); signing checks
    them again. `evidence` + `seal`: what happened, sealed with the platform's key.
    title (the document's, which documents seals too), signer_name, signer_email and
    evidence are read and written as plain values and kept sealed under the signer's
    client key (blank once that key is destroyed)."""

    __tablename__ = "signing_requests"
    __field_key__ = SignerFieldKey
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
    title_sealed = mapped_column("title", sa.Text, nullable=False)  # the document's title
    title = SealedText("title_sealed")
    document_sha256: Mapped[str] = mapped_column(sa.String(64))
    signer_client_id: Mapped[str] = mapped_column(sa.String(36))
    signer_account_id: Mapped[str] = mapped_column(sa.String(36), index=True)
    signer_name_sealed = mapped_column("signer_name", sa.Text, nullable=False)
    signer_name = SealedText("signer_name_sealed")
    signer_email_sealed = mapped_column("signer_email", sa.Text, nullable=False)
    signer_email = SealedText("signer_email_sealed")
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
    evidence_sealed = mapped_column("evidence", sa.Text, nullable=True)
    evidence = SealedJSON("evidence_sealed")
    seal: Mapped[str | None] = mapped_column(sa.Text, nullable=True)
    field_key = field_key_relationship(SignerFieldKey, "SigningRequest.signer_client_id")

    def field_owner(self):
        return self.signer_client_id


# Row locks take the request's row alone: its field key is loaded beside it by an outer
# join, and PostgreSQL refuses FOR UPDATE on the nullable side of one.
LOCK = {"of": SigningRequest}


class VerifyTicket(Base):
    """A one-time permission to send one file to the verify endpoint, issued over RPC
    to the gateway (anyone who can reach the endpoint but has no ticket gets nothing).
    Only the ticket's SHA-256 is kept; it is deleted when used."""

    __tablename__ = "verify_tickets"
    id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)
    ticket_hash: Mapped[str] = mapped_column(sa.String(64))
    expires_at = mapped_column(UTCDateTime, nullable=False, index=True)
