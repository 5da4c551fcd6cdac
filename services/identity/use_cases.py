"""Identity's use cases: plain functions over a unit of work (`uow.session`,
`uow.emit`, `uow.send`). They refuse by raising a KluisError; where the refusal leaves a
record that must be kept (a failed login, its count towards a lock), by
`uow.refuse(error)`, which commits that record before the caller gets the error."""

from sqlalchemy import select, update

from services.common.db import new_id, utcnow
from services.common.paging import desc
from services.common.tokens import digest, new_token
from services.notify.events import SendNotification

from . import domain, guard, second_factor
from .events import AccountCreated, AccountLanguageChanged, AccountRemoved
from .exceptions import (
    InvalidCredentials,
    InvalidToken,
    RateLimited,
    TokenExpired,
    TokenUsed,
    WeakPassword,
)
from .models import Account, LoginAttempt, PasswordReset
from .sessions import end_sessions, open_session


def create_account(uow, kind, email, name="", language="nl", password=None):
    if password is not None:
        require_strong(password)
    account = Account(
        id=new_id(),
        kind=kind,
        email=domain.normalise_email(email),
        name=name,
        language=language,
        failed_logins=0,
        created_at=utcnow(),
        password_hash=domain.hash_password(password) if password else None,
    )
    uow.session.add(account)
    uow.session.flush()
    uow.emit(AccountCreated(account_id=account.id, kind=kind), actor=None)
    return account


def bootstrap_admin(uow, email, password):
    """Create the platform admin unless an account with that e-mail exists. -> created?"""
    existing = uow.session.scalar(
        select(Account).where(Account.email == domain.normalise_email(email))
    )
    if existing is not None:
        return False
    create_account(uow, "admin", email, name="Admin", language="nl", password=password)
    return True


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
    account = uow.session.scalar(select(Account).where(Account.email == email))
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
            email=email[:254],
            success=success,
            reason=reason,
            source_ip=source_ip,
            user_agent=(user_agent or "")[:300],
            at=utcnow(),
        )
    )


def request_password_reset(uow, email, public_url):
    """Mail a single-use reset link (valid one hour) when the account exists; the
    caller answers the same either way, so nothing tells whether it does."""
    account = uow.session.scalar(
        select(Account).where(Account.email == domain.normalise_email(email))
    )
    if account is None or account.password_hash is None:
        return  # staff sign in with their device; a client not yet activated activates
    if guard.per_hour_reached(
        uow,
        PasswordReset.created_at,
        domain.RESETS_PER_HOUR,
        PasswordReset.account_id == account.id,
        PasswordReset.purpose == "reset",
    ):
        return
    now = utcnow()
    token, token_hash = new_token()
    uow.session.add(
        PasswordReset(
            id=new_id(),
            purpose="reset",
            token_hash=token_hash,
            attempts=0,
            account_id=account.id,
            created_at=now,
            expires_at=now + domain.RESET_TOKEN_VALIDITY,
        )
    )
    uow.send(
        "notify",
        SendNotification(
            template="password_reset",
            language=account.language,
            to={"email": account.email},
            data={
                "name": account.name,
                "minutes": 60,
                "reset_url": f"{public_url}/reset-password?token={token}",
            },
        ),
    )


def reset_password(uow, token, password):
    """Set a new password with a reset token: ends every session of the account,
    lifts a lockout, and mails a confirmation."""
    require_strong(password)
    reset = open_link(uow, token, "reset")
    now = utcnow()
    # This link, and any other still open for the account, is spent.
    uow.session.execute(
        update(PasswordReset)
        .where(PasswordReset.account_id == reset.account_id, PasswordReset.used_at.is_(None))
        .values(used_at=now)
    )
    account = uow.session.get(Account, reset.account_id)
    account.password_hash = domain.hash_password(password)
    account.failed_logins = 0
    account.locked_until = None
    guard.forget_misses(uow, account.email)  # and the new hash starts the locks afresh
    end_sessions(uow, account.id, "password_reset")
    uow.send(
        "notify",
        SendNotification(
            template="password_changed",
            language=account.language,
            to={"email": account.email},
            data={"name": account.name},
        ),
    )


def open_link(uow, token, purpose):
    """The set-password link behind `token`, locked for this transaction; raises
    InvalidToken, TokenUsed or TokenExpired."""
    link = uow.session.scalar(
        select(PasswordReset)
        .where(PasswordReset.token_hash == digest(token), PasswordReset.purpose == purpose)
        .with_for_update()
    )
    return check_single_use(link)


def check_single_use(link):
    """A link (set-password, staff link) found by its token hash, or None. -> the link;
    raises InvalidToken, TokenUsed or TokenExpired."""
    if link is None:
        raise InvalidToken()
    if link.used_at is not None:
        raise TokenUsed()
    if utcnow() >= link.expires_at:
        raise TokenExpired()
    return link


def require_strong(password):
    failed = domain.password_rule_failures(password)
    if failed:
        raise WeakPassword({"rules": failed})


def update_account(uow, account_id, language=None, name=None, session_id=None):
    """The account's own name and language. A new language is announced
    (`account_language_changed`): notify writes every later message in it, also the
    news that other services send. It also ends the account's other sessions: security
    mail in a language the owner does not read is how a thief would keep them unaware."""
    account = uow.session.get(Account, account_id)
    if language is not None and language != account.language:
        account.language = language
        uow.emit(AccountLanguageChanged(account_id=account_id, language=language), actor=account_id)
        end_sessions(uow, account_id, "language_changed", keep_session_id=session_id)
    if name is not None:
        account.name = name


def login_attempts(uow, pager, limit=50, cursor=None):
    """A page of every login attempt, newest first (ix_login_attempts_at_id)."""
    rows, next_cursor = pager.page(
        uow.session,
        select(LoginAttempt),
        [desc(LoginAttempt.at), desc(LoginAttempt.id)],
        limit,
        cursor,
        scope="login-attempts",
    )
    return {
        "items": [
            {
                "at": r.at.isoformat(),
                "email": r.email,
                "success": r.success,
                "reason": r.reason,
                "source_ip": r.source_ip,
                "user_agent": r.user_agent,
            }
            for r in rows
        ],
        "next_cursor": next_cursor,
    }


def remove_client_account(uow, actor, account_id):
    """The portal account, its sessions and devices are gone (the office keeps its
    records). Idempotent."""
    account = uow.session.get(Account, account_id)
    if account is None or account.kind != "client":
        return
    uow.session.delete(account)
    uow.emit(AccountRemoved(account_id=account_id), actor=actor)
