"""identity's tables. Tokens and codes are stored only as SHA-256 hashes."""

import json

import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from services.common.audit_store import ChainedEntry, audit_tables, chain_entries, timestamp
from services.common.db import UTCDateTime
from services.common.limits import Buckets
from services.common.plumbing import plumbing_tables
from services.common.sealed_columns import FieldKeyColumns, SealedText, field_key_relationship


class Base(DeclarativeBase):
    pass


metadata = Base.metadata
plumbing_tables(metadata)
audit_tables(metadata)  # the audit chain's heads and checkpoints (audit_store.py)
buckets = Buckets(metadata)  # rate limits (services/common/limits.py)


class AccountFieldKey(FieldKeyColumns, Base):
    """One key per account (owner: the account id) that seals its personal fields;
    destroying it (`shred_owner`) erases them in every copy (docs/privacy.md)."""

    __tablename__ = "account_field_keys"


class Account(Base):
    """A person's account. E-mail, name and mobile (and the second step's secret) are
    sealed under the account's own key (services/common/sealed_columns.py): the code reads
    them as text, the database holds them sealed; e-mail and mobile are found by their
    blind index (lookup.py). Rows from before sealing are sealed by backfill.py."""

    __tablename__ = "accounts"
    __table_args__ = (sa.UniqueConstraint("email_index", name="uq_accounts_email_index"),)
    __field_key__ = AccountFieldKey
    id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(10))  # admin | staff | client
    email_sealed = mapped_column("email", sa.Text, nullable=False)
    # The blind index of the lower-case address: unique (one account per address).
    email_index = mapped_column(sa.String(64), nullable=True)
    email = SealedText("email_sealed", index="email_index", normalise=str.lower)  # lower case
    name_sealed = mapped_column("name", sa.Text, nullable=False, default="")
    name = SealedText("name_sealed")
    language: Mapped[str] = mapped_column(sa.String(2), default="nl")
    mobile_sealed = mapped_column("mobile", sa.Text, nullable=True)
    mobile_index = mapped_column(sa.String(64), nullable=True, index=True)
    mobile = SealedText("mobile_sealed", index="mobile_index")  # E.164
    active_office_id: Mapped[str | None] = mapped_column(sa.String(36), nullable=True)
    password_hash: Mapped[str | None] = mapped_column(sa.String(200), nullable=True)
    # Second step: "sms" (clients) or "totp" (admins); its secret; one recovery code hash
    # per line (clients have one, admins ten), each single-use.
    second_factor: Mapped[str | None] = mapped_column(sa.String(10), nullable=True)
    second_factor_secret_sealed = mapped_column("second_factor_secret", sa.Text, nullable=True)
    second_factor_secret = SealedText("second_factor_secret_sealed")  # a mobile or a TOTP key
    recovery_code_hashes: Mapped[str | None] = mapped_column(sa.Text, nullable=True)
    # The last TOTP time step accepted: a code works once, not again within its window.
    totp_last_step: Mapped[int | None] = mapped_column(sa.BigInteger, nullable=True)
    # Second-step misses in a row, across challenges, and the account-wide lock they set
    # (password misses lock per source address instead: see guard.py).
    failed_logins: Mapped[int] = mapped_column(sa.Integer, default=0)
    locked_until = mapped_column(UTCDateTime, nullable=True)
    created_at = mapped_column(UTCDateTime, nullable=False)
    field_key = field_key_relationship(AccountFieldKey, "Account.id")

    def field_owner(self):
        return self.id


class Session(Base):
    __tablename__ = "sessions"
    id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    account_id: Mapped[str] = mapped_column(
        sa.ForeignKey("accounts.id", ondelete="CASCADE"), index=True
    )
    auth_method: Mapped[str] = mapped_column(sa.String(20))  # password[+sms|+totp] | device | ...
    # Look-along: the staff member, and the one office whose records it may see.
    looked_along_by: Mapped[str | None] = mapped_column(sa.String(36), nullable=True)
    scope_office_id: Mapped[str | None] = mapped_column(sa.String(36), nullable=True)
    device_id: Mapped[str | None] = mapped_column(sa.String(36), nullable=True, index=True)
    read_only: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    source_ip: Mapped[str | None] = mapped_column(sa.String(64), nullable=True)
    user_agent: Mapped[str | None] = mapped_column(sa.String(300), nullable=True)
    created_at = mapped_column(UTCDateTime, nullable=False)
    last_activity_at = mapped_column(UTCDateTime, nullable=False)
    revoked_at = mapped_column(UTCDateTime, nullable=True)


class PasswordReset(Base):
    """A single-use set-password link: `reset` (forgot password) or `activation` (a new
    client portal account, e-mail 2, with an SMS code when a mobile is on file)."""

    __tablename__ = "password_resets"
    id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)
    purpose: Mapped[str] = mapped_column(sa.String(12), default="reset", server_default="reset")
    sms_code_hash: Mapped[str | None] = mapped_column(sa.String(64), nullable=True)
    attempts: Mapped[int] = mapped_column(sa.Integer, default=0, server_default="0")
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    account_id: Mapped[str] = mapped_column(
        sa.ForeignKey("accounts.id", ondelete="CASCADE"), index=True
    )
    created_at = mapped_column(UTCDateTime, nullable=False)
    expires_at = mapped_column(UTCDateTime, nullable=False)
    used_at = mapped_column(UTCDateTime, nullable=True)


class LoginAttempt(Base):
    """Every password login, successful or not, with time and source address. The
    address typed is kept only as its blind index (an attempt for an unknown address
    has no account whose key could seal it): enough to erase a person's attempts by
    address (accounts.erase_client_contacts), nothing to read back."""

    __tablename__ = "login_attempts"
    # The admin's list, newest first, a page at a time (services/common/paging.py)
    __table_args__ = (sa.Index("ix_login_attempts_at_id", "at", "id"),)
    id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)
    account_id: Mapped[str | None] = mapped_column(sa.String(36), nullable=True, index=True)
    email_index: Mapped[str | None] = mapped_column(sa.String(64), nullable=True, index=True)
    success: Mapped[bool] = mapped_column(sa.Boolean)
    reason: Mapped[str] = mapped_column(sa.String(30))  # ok | unknown | wrong_password | locked
    source_ip: Mapped[str | None] = mapped_column(sa.String(64), nullable=True)
    user_agent: Mapped[str | None] = mapped_column(sa.String(300), nullable=True)
    at = mapped_column(UTCDateTime, nullable=False)


class Membership(Base):
    """A person's role at an office: owner, staff_manager or staff."""

    __tablename__ = "memberships"
    __table_args__ = (sa.UniqueConstraint("account_id", "office_id"),)
    id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)
    account_id: Mapped[str] = mapped_column(
        sa.ForeignKey("accounts.id", ondelete="CASCADE"), index=True
    )
    office_id: Mapped[str] = mapped_column(sa.String(36), index=True)
    role: Mapped[str] = mapped_column(sa.String(20))
    created_by: Mapped[str | None] = mapped_column(sa.String(36), nullable=True)
    created_at = mapped_column(UTCDateTime, nullable=False)


class Registration(Base):
    """An app registration: started on a device, identified (partner ID + e-mail or
    mobile), verified with a code, approved, completed by signing the challenge."""

    __tablename__ = "registrations"
    # An office's approval queue, a page at a time (services/common/paging.py)
    __table_args__ = (
        sa.Index(
            "ix_registrations_office_status_created", "office_id", "status", "created_at", "id"
        ),
    )
    id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)
    status: Mapped[str] = mapped_column(sa.String(20), index=True)
    display_name: Mapped[str] = mapped_column(sa.String(200))
    attempts_left: Mapped[int] = mapped_column(sa.Integer)
    public_key: Mapped[str] = mapped_column(sa.String(64))
    device_name: Mapped[str] = mapped_column(sa.String(100))
    platform: Mapped[str] = mapped_column(sa.String(10))
    os_version: Mapped[str] = mapped_column(sa.String(20))
    app_version: Mapped[str] = mapped_column(sa.String(20))
    account_id: Mapped[str | None] = mapped_column(sa.String(36), nullable=True, index=True)
    office_id: Mapped[str | None] = mapped_column(sa.String(36), nullable=True, index=True)
    # The office's name as dossier gave it at identify: for the approvers' e-mail.
    office_name: Mapped[str | None] = mapped_column(sa.String(200), nullable=True)
    role: Mapped[str | None] = mapped_column(sa.String(20), nullable=True)
    channel: Mapped[str | None] = mapped_column(sa.String(10), nullable=True)
    code_hash: Mapped[str | None] = mapped_column(sa.String(64), nullable=True)
    code_expires_at = mapped_column(UTCDateTime, nullable=True)
    code_attempts: Mapped[int] = mapped_column(sa.Integer, default=0)
    challenge: Mapped[str | None] = mapped_column(sa.String(64), nullable=True)
    decided_by: Mapped[str | None] = mapped_column(sa.String(36), nullable=True)
    decided_at = mapped_column(UTCDateTime, nullable=True)
    reject_reason: Mapped[str | None] = mapped_column(sa.String(500), nullable=True)
    source_ip: Mapped[str | None] = mapped_column(sa.String(64), nullable=True)
    created_at = mapped_column(UTCDateTime, nullable=False)


class StaffLink(Base):
    """An office's request to link a person who already has a staff account and whom the
    requesting manager does not manage elsewhere: it waits until the person confirms it
    with the token e-mailed to them (only its hash is kept)."""

    __tablename__ = "staff_links"
    id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    account_id: Mapped[str] = mapped_column(
        sa.ForeignKey("accounts.id", ondelete="CASCADE"), index=True
    )
    office_id: Mapped[str] = mapped_column(sa.String(36), index=True)
    role: Mapped[str] = mapped_column(sa.String(20))
    # What the office typed, and all it gets shown until the person confirms.
    name: Mapped[str] = mapped_column(sa.String(200), default="")
    mobile: Mapped[str | None] = mapped_column(sa.String(20), nullable=True)
    office_name: Mapped[str] = mapped_column(sa.String(200), default="")
    partner_id: Mapped[str] = mapped_column(sa.String(50), default="")
    created_by: Mapped[str | None] = mapped_column(sa.String(36), nullable=True)
    created_at = mapped_column(UTCDateTime, nullable=False)
    expires_at = mapped_column(UTCDateTime, nullable=False, index=True)
    used_at = mapped_column(UTCDateTime, nullable=True)


class Device(Base):
    """A bound device: its Ed25519 public key signs every staff sign-in."""

    __tablename__ = "devices"
    # The caller's devices, a page at a time (services/common/paging.py)
    __table_args__ = (sa.Index("ix_devices_account_created", "account_id", "created_at", "id"),)
    id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)
    account_id: Mapped[str] = mapped_column(
        sa.ForeignKey("accounts.id", ondelete="CASCADE"), index=True
    )
    public_key: Mapped[str] = mapped_column(sa.String(64))
    name: Mapped[str] = mapped_column(sa.String(100))
    platform: Mapped[str] = mapped_column(sa.String(10))
    os_version: Mapped[str] = mapped_column(sa.String(20))
    app_version: Mapped[str] = mapped_column(sa.String(20))
    created_at = mapped_column(UTCDateTime, nullable=False)
    last_used_at = mapped_column(UTCDateTime, nullable=True)
    revoked_at = mapped_column(UTCDateTime, nullable=True)


class DeviceChallenge(Base):
    __tablename__ = "device_challenges"
    challenge: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    device_id: Mapped[str] = mapped_column(sa.String(36), index=True)
    expires_at = mapped_column(UTCDateTime, nullable=False)
    used_at = mapped_column(UTCDateTime, nullable=True)


class AppLogin(Base):
    """A web sign-in started on a PC and approved in the app with the pairing code."""

    __tablename__ = "app_logins"
    id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)
    pairing_code: Mapped[str] = mapped_column(sa.String(16))
    status: Mapped[str] = mapped_column(sa.String(10))  # pending | approved | refused | claimed
    account_id: Mapped[str | None] = mapped_column(sa.String(36), nullable=True)
    device_id: Mapped[str | None] = mapped_column(sa.String(36), nullable=True)
    source_ip: Mapped[str | None] = mapped_column(sa.String(64), nullable=True)
    # The browser that asks, shown in the app before it approves.
    user_agent: Mapped[str | None] = mapped_column(sa.String(300), nullable=True)
    # The hash of a secret only the asking browser holds: collecting the session needs it,
    # so knowing the login id or the code is not enough.
    poll_secret_hash: Mapped[str | None] = mapped_column(sa.String(64), nullable=True)
    created_at = mapped_column(UTCDateTime, nullable=False)
    expires_at = mapped_column(UTCDateTime, nullable=False)


class AuditEntry(ChainedEntry, Base):
    """Who did what to which object, and when (registrations, approvals, roles, ...).
    Ids and codes only, never personal data (`detail` too): each entry is chained in its
    stream (`audit_stream`; docs/privacy.md "Audit trail")."""

    __tablename__ = "audit_entries"
    # An office's trail, newest first, a page at a time (services/common/paging.py)
    __table_args__ = (
        sa.Index("ix_audit_entries_office_at", "office_id", "at", "id"),
        sa.UniqueConstraint("stream", "seq", name="uq_audit_entries_stream_seq"),
    )
    id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)
    at = mapped_column(UTCDateTime, nullable=False, index=True)
    actor_id: Mapped[str | None] = mapped_column(sa.String(36), nullable=True)
    action: Mapped[str] = mapped_column(sa.String(40))
    office_id: Mapped[str | None] = mapped_column(sa.String(36), nullable=True, index=True)
    object_type: Mapped[str] = mapped_column(sa.String(20))
    object_id: Mapped[str] = mapped_column(sa.String(36))
    detail: Mapped[str] = mapped_column(sa.Text, default="{}")


def audit_stream(entry):
    """One stream per office; identity's entries outside any office in one."""
    return f"office:{entry.office_id}" if entry.office_id else "identity"


def audit_content(entry):
    """What an entry's content hash covers."""
    return {
        "id": entry.id,
        "at": timestamp(entry.at),
        "actor_id": entry.actor_id,
        "action": entry.action,
        "office_id": entry.office_id,
        "object_type": entry.object_type,
        "object_id": entry.object_id,
        "detail": json.loads(entry.detail or "{}"),
    }


chain_entries(AuditEntry, audit_stream, audit_content)


class SecondStep(Base):
    """A pending second step: at sign-in (purpose `login`) or while enrolling (`enrol`)."""

    __tablename__ = "second_steps"
    id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)
    account_id: Mapped[str] = mapped_column(
        sa.ForeignKey("accounts.id", ondelete="CASCADE"), index=True
    )
    purpose: Mapped[str] = mapped_column(sa.String(10))
    method: Mapped[str] = mapped_column(sa.String(10))  # sms | totp
    code_hash: Mapped[str | None] = mapped_column(sa.String(64), nullable=True)
    secret: Mapped[str | None] = mapped_column(sa.String(64), nullable=True)  # mobile or TOTP key
    attempts: Mapped[int] = mapped_column(sa.Integer, default=0)
    source_ip: Mapped[str | None] = mapped_column(sa.String(64), nullable=True)
    user_agent: Mapped[str | None] = mapped_column(sa.String(300), nullable=True)
    expires_at = mapped_column(UTCDateTime, nullable=False)
    used_at = mapped_column(UTCDateTime, nullable=True)


class ApiKey(Base):
    """An office system's key (api_keys.py): kept as its hash, with its scopes."""

    __tablename__ = "api_keys"
    id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)
    key_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    office_id: Mapped[str] = mapped_column(sa.String(36), index=True)
    name: Mapped[str] = mapped_column(sa.String(100))
    scopes: Mapped[str] = mapped_column(sa.String(200))  # space-separated
    created_by: Mapped[str] = mapped_column(sa.String(36))
    created_at = mapped_column(UTCDateTime, nullable=False)
    expires_at = mapped_column(UTCDateTime, nullable=False)
    last_used_at = mapped_column(UTCDateTime, nullable=True)
    revoked_at = mapped_column(UTCDateTime, nullable=True)
