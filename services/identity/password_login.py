"""Password sign-in and the record of every attempt. A refusal that leaves a record
that must be kept (a failed login, its count towards a lock) is made by
`uow.refuse(error)`, which commits that record before the caller gets the error."""

from sqlalchemy import select

from services.common.db import new_id, utcnow
from services.common.paging import desc

from . import domain, guard, lookup, second_factor
from .exceptions import InvalidCredentials, RateLimited
from .models import Account, LoginAttempt
from .sessions import open_session


def login(store, clock, policy, email, password, source_ip, user_agent, public_url):
    """-> {token, ...}, or {two_factor_required, ...} when a second step follows.
    InvalidCredentials for a wrong password or an unknown e-mail (recorded; counted by
    guard.py), and alike for a locked address or an account locked by second-step misses.
    Raises RateLimited, before any hashing, when the address or the account missed too
    often lately (guard.py).

    Two units of work from `store`, with the password checked between them: argon2
    takes ~0.2 s, and a transaction open meanwhile would hold a database connection
    that token checks need (identity on SQLite has a single one)."""
    with store.unit_of_work() as uow:
        attempt = _start_login(uow, policy, email, source_ip, user_agent)
    # An unknown account is checked against a dummy hash: both answers equally slow.
    password_ok = domain.verify_password(attempt["password_hash"], password)
    with store.unit_of_work() as uow:
        return _finish_login(
            uow, clock, policy, attempt, password_ok, source_ip, user_agent, public_url
        )


def _start_login(uow, policy, email, source_ip, user_agent):
    wait = guard.wait_for_address(uow, policy, source_ip)  # first: a flood's 429 is cheap
    if wait:
        raise RateLimited({"retry_after_s": wait})
    email = domain.normalise_email(email)
    account = lookup.by_email(uow.session, email)
    if account is not None and account.password_hash is None:
        account = None  # staff sign in with their device: no password, nothing to lock
    if not guard.known_source(uow, account, source_ip):
        wait = guard.wait_for_account(uow, policy, email)
        if wait:
            raise RateLimited({"retry_after_s": wait})
    key = guard.lock_key(source_ip, email, account)
    locked = guard.is_locked(uow, key) or (
        account is not None and domain.is_locked(account, utcnow())
    )
    if locked:
        _record_attempt(uow, account, email, False, "locked", source_ip, user_agent)
        uow.refuse(InvalidCredentials())
    return {
        "email": email,
        "account_id": account.id if account else None,
        "key": key,
        "password_hash": account.password_hash if account else None,
    }


def _finish_login(uow, clock, policy, attempt, password_ok, source_ip, user_agent, public_url):
    email, key = attempt["email"], attempt["key"]
    account = uow.session.get(Account, attempt["account_id"]) if attempt["account_id"] else None
    if account is not None and account.password_hash != attempt["password_hash"]:
        raise InvalidCredentials()  # the password changed meanwhile: checked against the old
    if account is None or not password_ok:
        _record_attempt(
            uow,
            account,
            email,
            False,
            "unknown" if account is None else "wrong_password",
            source_ip,
            user_agent,
        )
        if guard.count_miss(uow, policy, email, source_ip, key) and account is not None:
            guard.send_lock_mail(uow, account, public_url, source_ip)
        uow.refuse(InvalidCredentials())
    guard.forget_lock_count(uow, policy, key)  # "in a row": a right password starts afresh
    if account.second_factor:
        _record_attempt(uow, account, email, True, "second_step", source_ip, user_agent)
        return second_factor.begin_login(uow, policy, account, source_ip, user_agent)
    _record_attempt(uow, account, email, True, "ok", source_ip, user_agent)
    return open_session(uow, clock, account, "password", source_ip, user_agent)


def _record_attempt(uow, account, email, success, reason, source_ip, user_agent):
    uow.session.add(
        LoginAttempt(
            id=new_id(),
            account_id=account.id if account else None,
            email_index=lookup.email_index(uow.session, email),
            success=success,
            reason=reason,
            source_ip=source_ip,
            user_agent=(user_agent or "")[:300],
            at=utcnow(),
        )
    )


def login_attempts(uow, pager, limit=50, cursor=None):
    """A page of every login attempt, newest first (ix_login_attempts_at_id), each
    with its account's e-mail address (opened with the account's key, joined); an
    attempt for an unknown address shows none: only its blind index is kept."""
    rows, next_cursor = pager.page(
        uow.session,
        _ATTEMPTS,
        [desc(LoginAttempt.at), desc(LoginAttempt.id)],
        limit,
        cursor,
        scope="login-attempts",
    )
    return {
        "items": [
            {
                "at": r.at.isoformat(),
                "email": account.email if account is not None else None,
                "success": r.success,
                "reason": r.reason,
                "source_ip": r.source_ip,
                "user_agent": r.user_agent,
            }
            for r, account in rows
        ],
        "next_cursor": next_cursor,
    }


_ATTEMPTS = select(LoginAttempt, Account).outerjoin(Account, Account.id == LoginAttempt.account_id)
