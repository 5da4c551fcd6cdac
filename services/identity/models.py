"""identity's tables. Tokens and codes are stored only as SHA-256 hashes."""
import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from services.common.db import UTCDateTime
from services.common.plumbing import plumbing_tables


class Base(DeclarativeBase):
    pass


metadata = Base.metadata
plumbing_tables(metadata)


class Account(Base):
    __tablename__ = "accounts"
    id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(10))  # admin | staff | client
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)  # lower case
    name: Mapped[str] = mapped_column(sa.String(200), default="")
    language: Mapped[str] = mapped_column(sa.String(2), default="nl")
    password_hash: Mapped[str | None] = mapped_column(sa.String(200), nullable=True)
    failed_logins: Mapped[int] = mapped_column(sa.Integer, default=0)
    locked_until = mapped_column(UTCDateTime, nullable=True)
    created_at = mapped_column(UTCDateTime, nullable=False)


class Session(Base):
    __tablename__ = "sessions"
    id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    account_id: Mapped[str] = mapped_column(sa.ForeignKey("accounts.id", ondelete="CASCADE"),
                                            index=True)
    auth_method: Mapped[str] = mapped_column(sa.String(20))  # password | password+sms | ...
    read_only: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    source_ip: Mapped[str | None] = mapped_column(sa.String(64), nullable=True)
    user_agent: Mapped[str | None] = mapped_column(sa.String(300), nullable=True)
    created_at = mapped_column(UTCDateTime, nullable=False)
    last_activity_at = mapped_column(UTCDateTime, nullable=False)
    revoked_at = mapped_column(UTCDateTime, nullable=True)


class PasswordReset(Base):
    __tablename__ = "password_resets"
    id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    account_id: Mapped[str] = mapped_column(sa.ForeignKey("accounts.id", ondelete="CASCADE"),
                                            index=True)
    created_at = mapped_column(UTCDateTime, nullable=False)
    expires_at = mapped_column(UTCDateTime, nullable=False)
    used_at = mapped_column(UTCDateTime, nullable=True)


class LoginAttempt(Base):
    """Every password login, successful or not, with time and source address."""
    __tablename__ = "login_attempts"
    id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)
    account_id: Mapped[str | None] = mapped_column(sa.String(36), nullable=True, index=True)
    email: Mapped[str] = mapped_column(sa.String(254))
    success: Mapped[bool] = mapped_column(sa.Boolean)
    reason: Mapped[str] = mapped_column(sa.String(30))  # ok | unknown | wrong_password | locked
    source_ip: Mapped[str | None] = mapped_column(sa.String(64), nullable=True)
    user_agent: Mapped[str | None] = mapped_column(sa.String(300), nullable=True)
    at = mapped_column(UTCDateTime, nullable=False, index=True)
