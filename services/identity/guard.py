"""Limits on guessing and on texts, kept in token buckets (services/common/limits.py).

Password misses are counted three ways, for known and unknown e-mail addresses alike
(so that no answer tells whether an account exists):
- per source address and per account: once a bucket is empty, the next attempt gets
  429 before any hashing, so a flood costs almost nothing. An address from which the
  account signed in before (the owner's own device) is not held back by the account's
  bucket: a flood from elsewhere slows strangers down, not the owner.
- per (source address, account): `lock_after` misses in a row lock that address out
  of that account for LOCK_DURATION, with the same 401 as a wrong password. Other
  addresses are not locked out, so the lock is no weapon against the owner. The key
  holds the account's password hash: a new password (a reset) starts every count afresh.
Codes sent by SMS are limited per account, per number and per source address.
Links and codes sent by e-mail are limited per hour by the rows that record them
(`per_hour_reached`); each code, link and challenge allows a few wrong attempts
(`count_attempt`).
"""

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import InstrumentedAttribute

from services.common.db import utcnow
from services.common.limits import Limit
from services.common.unit_of_work import UnitOfWork
from services.notify.events import SendNotification

from . import domain
from .events import AccountLocked
from .exceptions import RateLimited
from .models import LoginAttempt, buckets

KNOWN_SOURCE_AGE = timedelta(days=90)
HOUR = timedelta(hours=1)
_LOCK_S = domain.LOCK_DURATION.total_seconds()
MISSES_PER_ADDRESS = Limit("login_miss_address", burst=30, per_s=600)
MISSES_PER_ACCOUNT = Limit("login_miss_account", burst=30, per_s=600)
LOCK_COUNT = Limit("login_lock_count", burst=domain.LOCK_AFTER_FAILURES, per_s=_LOCK_S)
LOCK_HOLD = Limit("login_lock_hold", burst=1, per_s=_LOCK_S)  # empty while locked
SMS_PER_NUMBER = Limit("sms_number", burst=3, per_s=3600)
SMS_PER_ACCOUNT = Limit("sms_account", burst=5, per_s=3600)
SMS_PER_ADDRESS = Limit("sms_address", burst=10, per_s=3600)


@dataclass(frozen=True)
class Policy:
    per_address: Limit = MISSES_PER_ADDRESS
    per_account: Limit = MISSES_PER_ACCOUNT
    lock_count: Limit = LOCK_COUNT
    sms_number: Limit = SMS_PER_NUMBER
    sms_account: Limit = SMS_PER_ACCOUNT
    sms_address: Limit = SMS_PER_ADDRESS
    second_step_lock_after: int = domain.LOCK_AFTER_FAILURES


def lock_key(source_ip, email, account):
    """(address, account, password): hashed by the buckets, never stored as such."""
    return f"{source_ip}|{email}|{account.password_hash if account else ''}"


def known_source(uow, account, source_ip):
    """Did the account sign in from this address lately (the owner's own device)?"""
    if account is None or not source_ip:
        return False
    return (
        uow.session.scalar(
            select(LoginAttempt.id)
            .where(
                LoginAttempt.account_id == account.id,
                LoginAttempt.source_ip == source_ip,
                LoginAttempt.success.is_(True),
                LoginAttempt.at > utcnow() - KNOWN_SOURCE_AGE,
            )
            .limit(1)
        )
        is not None
    )


def wait_for_address(uow, policy, source_ip):
    """-> seconds to wait when the address missed too often lately, else None."""
    return buckets.peek(uow.session, policy.per_address, source_ip)


def wait_for_account(uow, policy, email):
    """The same for the account, asked for strangers only (see known_source)."""
    return buckets.peek(uow.session, policy.per_account, email)


def is_locked(uow, key):
    return buckets.peek(uow.session, LOCK_HOLD, key) is not None


def count_miss(uow, policy, email, source_ip, key):
    """A wrong password. -> True when this miss locks the address out of the account."""
    buckets.take(uow.session, policy.per_address, source_ip)
    buckets.take(uow.session, policy.per_account, email)
    buckets.take(uow.session, policy.lock_count, key)
    if buckets.peek(uow.session, policy.lock_count, key) is None:
        return False
    buckets.forget(uow.session, policy.lock_count, key)  # counted afresh after the lock
    buckets.take(uow.session, LOCK_HOLD, key)
    return True


def forget_lock_count(uow, policy, key):
    buckets.forget(uow.session, policy.lock_count, key)


def forget_misses(uow, email):
    """A new password: strangers are not slowed down by the old misses any more."""
    buckets.forget(uow.session, MISSES_PER_ACCOUNT, email)


def wait_before_sms(uow, policy, account_id, mobile, source_ip):
    """Take one text from each limit. -> None when it may be sent, else the seconds to
    wait (nothing taken then: the caller sends nothing and raises or says so)."""
    checks = [(policy.sms_number, mobile), (policy.sms_account, account_id)]
    if source_ip:
        checks.append((policy.sms_address, source_ip))
    waits = [w for w in (buckets.peek(uow.session, limit, key) for limit, key in checks) if w]
    if waits:
        return max(waits)
    for limit, key in checks:
        buckets.take(uow.session, limit, key)
    return None


def send_lock_mail(uow, account, public_url, source_ip=None):
    """Event `account_locked` and the owner's e-mail: from which address, for how long,
    and that a reset lifts it (`source_ip` None: the account's second step is locked)."""
    locked_until = utcnow() + domain.LOCK_DURATION
    uow.emit(
        AccountLocked(
            account_id=account.id, locked_until=locked_until.isoformat(), source_ip=source_ip
        ),
        actor=None,
    )
    uow.send(
        "notify",
        SendNotification(
            template="account_locked",
            language=account.language,
            to={"email": account.email},
            data={
                "name": account.name,
                "source_ip": source_ip or "",
                "minutes": int(domain.LOCK_DURATION.total_seconds() // 60),
                "forgot_url": f"{public_url}/forgot-password",
            },
        ),
    )


def count_attempt(holder: object, field: str, allowed: int) -> bool:
    """One more wrong attempt at `holder` (a code, a link, a challenge, an account's
    second step): its counter `field` goes up. -> True when that was the last attempt
    `allowed`: the caller spends or locks what was guessed at."""
    setattr(holder, field, (getattr(holder, field) or 0) + 1)
    return getattr(holder, field) >= allowed


def per_hour_reached(
    uow: UnitOfWork, at: InstrumentedAttribute, per_hour: int, *where: ColumnElement[bool]
) -> bool:
    """Were `per_hour` or more rows recorded within the last hour? `at`: the column with
    their time (e.g. PasswordReset.created_at); `where`: which rows count."""
    recent = uow.session.scalar(
        select(func.count()).select_from(at.class_).where(at > utcnow() - HOUR, *where)
    )
    return recent >= per_hour


def refuse_beyond_per_hour(
    uow: UnitOfWork, at: InstrumentedAttribute, per_hour: int, *where: ColumnElement[bool]
) -> None:
    """RateLimited (come back in an hour) once `per_hour` such rows were recorded."""
    if per_hour_reached(uow, at, per_hour, *where):
        raise RateLimited({"retry_after_s": int(HOUR.total_seconds())})
