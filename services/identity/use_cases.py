"""Identity's use cases: plain functions over a unit of work (`uow.session`,
`uow.emit`, `uow.send`). They raise only for bad input; a failed login is a result,
because its record and lockout must be committed, not rolled back."""
from datetime import timedelta

from sqlalchemy import bindparam, func, select, update

from services.common.db import new_id, utcnow
from services.common.errors import NotFound, Unauthenticated
from services.common.paging import desc
from services.common.tokens import digest

from . import domain, guard
from .exceptions import (InvalidToken, RateLimited, SessionExpired, TokenExpired, TokenUsed,
                         WeakPassword)
from .models import Account, LoginAttempt, Membership, PasswordReset, Session


def create_account(uow, kind, email, name="", language="nl", password=None):
    if password is not None:
        require_strong(password)
    account = Account(id=new_id(), kind=kind, email=domain.normalise_email(email), name=name,
                      language=language, failed_logins=0, created_at=utcnow(),
                      password_hash=domain.hash_password(password) if password else None)
    uow.session.add(account)
    uow.session.flush()
    uow.emit("account_created", actor=None, account_id=account.id, kind=kind)
    return account


def bootstrap_admin(uow, email, password):
    """Create the platform admin unless an account with that e-mail exists. -> created?"""
    existing = uow.session.scalar(select(Account).where(
        Account.email == domain.normalise_email(email)))
    if existing is not None:
        return False
    create_account(uow, "admin", email, name="Admin", language="nl", password=password)
    return True


def login(store, clock, policy, email, password, source_ip, user_agent, public_url):
    """-> {token, ...} on success, None on failure (recorded; counted by guard.py).
    Raises RateLimited, before any hashing, when the address or the account missed too
    often lately (guard.py); a locked address, or an account locked by second-step
    misses, answers None like a wrong password.

    Two units of work from `store`, with the password checked between them: argon2
    takes ~0.2 s, and a transaction open meanwhile would hold a database connection
    that token checks need (identity on SQLite has a single one)."""
    with store.unit_of_work() as uow:
        attempt = _start_login(uow, policy, email, source_ip, user_agent)
    if attempt["locked"]:
        return None
    # An unknown account is checked against a dummy hash: both answers equally slow.
    password_ok = domain.verify_password(attempt["password_hash"], password)
    with store.unit_of_work() as uow:
        return _finish_login(uow, clock, policy, attempt, password_ok, source_ip, user_agent,
                             public_url)


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
    locked = guard.is_locked(uow, key) or (account is not None and
                                           domain.is_locked(account, utcnow()))
    if locked:
        _record_attempt(uow, account, email, False, "locked", source_ip, user_agent)
    return {"email": email, "account_id": account.id if account else None, "key": key,
            "password_hash": account.password_hash if account else None, "locked": locked}


def _finish_login(uow, clock, policy, attempt, password_ok, source_ip, user_agent, public_url):
    email, key = attempt["email"], attempt["key"]
    account = uow.session.get(Account, attempt["account_id"]) if attempt["account_id"] else None
    if account is not None and account.password_hash != attempt["password_hash"]:
        return None  # the password changed meanwhile: this check was against the old one
    if account is None or not password_ok:
        _record_attempt(uow, account, email, False,
                        "unknown" if account is None else "wrong_password", source_ip, user_agent)
        if guard.count_miss(uow, policy, email, source_ip, key) and account is not None:
            send_lock_mail(uow, account, public_url, source_ip)
        return None
    guard.forget_lock_count(uow, policy, key)  # "in a row": a right password starts afresh
    if account.second_factor:
        from .second_factor import begin_login  # the second step builds on this module
        _record_attempt(uow, account, email, True, "second_step", source_ip, user_agent)
        return begin_login(uow, policy, account, source_ip, user_agent)
    _record_attempt(uow, account, email, True, "ok", source_ip, user_agent)
    return open_session(uow, clock, account, "password", source_ip, user_agent)


def send_lock_mail(uow, account, public_url, source_ip=None):
    """Event `account_locked` and the owner's e-mail: from which address, for how long,
    and that a reset lifts it (`source_ip` None: the account's second step is locked)."""
    locked_until = utcnow() + domain.LOCK_DURATION
    uow.emit("account_locked", actor=None, account_id=account.id,
             locked_until=locked_until.isoformat(), source_ip=source_ip)
    uow.send("notify", "send_notification", template="account_locked",
             language=account.language, to={"email": account.email},
             data={"name": account.name, "source_ip": source_ip or "",
                   "minutes": int(domain.LOCK_DURATION.total_seconds() // 60),
                   "forgot_url": f"{public_url}/forgot-password"})


def _record_attempt(uow, account, email, success, reason, source_ip, user_agent):
    uow.session.add(LoginAttempt(
        id=new_id(), account_id=account.id if account else None, email=email[:254],
        success=success, reason=reason, source_ip=source_ip, user_agent=(user_agent or "")[:300],
        at=utcnow()))


def open_session(uow, clock, account, auth_method, source_ip, user_agent, read_only=False,
                 device_id=None, looked_along_by=None, scope_office_id=None):
    token, token_hash = domain.new_token()
    now = utcnow()
    session = Session(id=new_id(), token_hash=token_hash, account_id=account.id,
                      auth_method=auth_method, read_only=read_only, source_ip=source_ip,
                      device_id=device_id, looked_along_by=looked_along_by,
                      scope_office_id=scope_office_id,
                      user_agent=(user_agent or "")[:300], created_at=now, last_activity_at=now)
    uow.session.add(session)
    return {"token": token, "idle_timeout_s": clock.idle_timeout_s, "warning_s": clock.warning_s}


def authenticate(uow, clock, token, touch):
    """The principal behind a bearer token. Unauthenticated for an unknown or ended
    session; SessionExpired once idle too long. `touch` counts the call as activity,
    written at most once per the clock's activity interval. Beside the principal's
    fields, `session` holds the clock's facts for the gateway's cache."""
    session = _alive(uow.session.scalar(select(Session).where(
        Session.token_hash == digest(token))))
    now = utcnow()
    if now >= clock.expires_at(session):
        raise SessionExpired()
    if session.looked_along_by and not _look_along_allowed(uow, session, now):
        raise Unauthenticated()
    if touch and clock.activity_due(session, now):
        session.last_activity_at = now
    account = uow.session.get(Account, session.account_id)
    offices = dict(uow.session.execute(select(Membership.office_id, Membership.role).where(
        Membership.account_id == account.id)).all())
    return {"account_id": account.id, "kind": account.kind, "session_id": session.id,
            "language": account.language, "read_only": session.read_only, "offices": offices,
            "looked_along_by": session.looked_along_by,
            "scope_office_id": session.scope_office_id, "auth_method": session.auth_method,
            "session": clock.facts(session)}


def _look_along_allowed(uow, session, now):
    """A look-along session lives while its staff member still works for the office,
    and never longer than LOOK_ALONG_MAX_AGE, however active."""
    member = uow.session.scalar(select(Membership.id).where(
        Membership.account_id == session.looked_along_by,
        Membership.office_id == session.scope_office_id))
    return member is not None and now < session.created_at + domain.LOOK_ALONG_MAX_AGE


def describe_session(uow, clock, session_id):
    """The session's clock, and the server's `now` (a browser corrects its own clock by it).
    A read on every portal page: the row comes as a Core row (the clock reads only
    columns), which costs a third of loading an ORM object."""
    session = _alive(uow.session.execute(_SESSION_CLOCK, {"session_id": session_id}).first())
    return {**clock.describe(session), "now": utcnow().isoformat()}


_SESSION_CLOCK = select(Session.revoked_at, Session.created_at, Session.last_activity_at) \
    .where(Session.id == bindparam("session_id"))


def touch_session(uow, clock, session_id):
    """Activity on the session now (the gateway reports it once per activity interval;
    an explicit extend always). SessionExpired when it already ended."""
    session = _live_session(uow, session_id)
    now = utcnow()
    if now >= clock.expires_at(session):
        raise SessionExpired()
    session.last_activity_at = now
    return {**clock.describe(session), "now": now.isoformat()}


def logout(uow, session_id, actor):
    session = _live_session(uow, session_id)
    session.revoked_at = utcnow()
    uow.emit("session_revoked", actor=actor, session_id=session.id, reason="logout")


def _live_session(uow, session_id):
    return _alive(uow.session.get(Session, session_id))


def _alive(session):
    """The session (an ORM object or a row), unless there is none or it was ended:
    then Unauthenticated."""
    if session is None or session.revoked_at is not None:
        raise Unauthenticated()
    return session


def request_password_reset(uow, email, public_url):
    """Mail a single-use reset link (valid one hour) when the account exists; the
    caller answers the same either way, so nothing tells whether it does."""
    account = uow.session.scalar(select(Account).where(
        Account.email == domain.normalise_email(email)))
    if account is None or account.password_hash is None:
        return  # staff sign in with their device; a client not yet activated activates
    now = utcnow()
    recent = uow.session.scalar(select(func.count()).select_from(PasswordReset).where(
        PasswordReset.account_id == account.id, PasswordReset.purpose == "reset",
        PasswordReset.created_at > now - timedelta(hours=1)))
    if recent >= domain.RESETS_PER_HOUR:
        return
    token, token_hash = domain.new_token()
    uow.session.add(PasswordReset(id=new_id(), purpose="reset", token_hash=token_hash,
                                  attempts=0, account_id=account.id,
                                  created_at=now, expires_at=now + domain.RESET_TOKEN_VALIDITY))
    uow.send("notify", "send_notification", template="password_reset",
             language=account.language, to={"email": account.email},
             data={"name": account.name, "minutes": 60,
                   "reset_url": f"{public_url}/reset-password?token={token}"})


def reset_password(uow, token, password):
    """Set a new password with a reset token: ends every session of the account,
    lifts a lockout, and mails a confirmation."""
    require_strong(password)
    reset = open_link(uow, token, "reset")
    now = utcnow()
    # This link, and any other still open for the account, is spent.
    uow.session.execute(update(PasswordReset).where(
        PasswordReset.account_id == reset.account_id, PasswordReset.used_at.is_(None))
        .values(used_at=now))
    account = uow.session.get(Account, reset.account_id)
    account.password_hash = domain.hash_password(password)
    account.failed_logins = 0
    account.locked_until = None
    guard.forget_misses(uow, account.email)  # and the new hash starts the locks afresh
    end_sessions(uow, account.id, "password_reset")
    uow.send("notify", "send_notification", template="password_changed",
             language=account.language, to={"email": account.email}, data={"name": account.name})


def open_link(uow, token, purpose):
    """The set-password link behind `token`, locked for this transaction; raises
    InvalidToken, TokenUsed or TokenExpired."""
    link = uow.session.scalar(select(PasswordReset).where(
        PasswordReset.token_hash == digest(token),
        PasswordReset.purpose == purpose).with_for_update())
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


def end_sessions(uow, account_id, reason, keep_session_id=None):
    """Every live session of the account ends, but `keep_session_id` (the caller's own)."""
    query = update(Session).where(Session.account_id == account_id,
                                  Session.revoked_at.is_(None))
    if keep_session_id is not None:
        query = query.where(Session.id != keep_session_id)
    uow.session.execute(query.values(revoked_at=utcnow()))
    uow.emit("session_revoked", actor=account_id, account_id=account_id, reason=reason)


def update_account(uow, account_id, language=None, name=None, session_id=None):
    """The account's own name and language. A new language is announced
    (`account_language_changed`): notify writes every later message in it, also the
    news that other services send. It also ends the account's other sessions: security
    mail in a language the owner does not read is how a thief would keep them unaware."""
    account = uow.session.get(Account, account_id)
    if language is not None and language != account.language:
        account.language = language
        uow.emit("account_language_changed", actor=account_id, account_id=account_id,
                 language=language)
        end_sessions(uow, account_id, "language_changed", keep_session_id=session_id)
    if name is not None:
        account.name = name


def login_attempts(uow, pager, limit=50, cursor=None):
    """A page of every login attempt, newest first (ix_login_attempts_at_id)."""
    rows, next_cursor = pager.page(uow.session, select(LoginAttempt),
                                   [desc(LoginAttempt.at), desc(LoginAttempt.id)], limit,
                                   cursor, scope="login-attempts")
    return {"items": [{"at": r.at.isoformat(), "email": r.email, "success": r.success,
                       "reason": r.reason, "source_ip": r.source_ip,
                       "user_agent": r.user_agent} for r in rows],
            "next_cursor": next_cursor}


def open_look_along(uow, clock, account_id, staff_id, office_id, source_ip, user_agent):
    """A read-only session that sees what the client sees at `office_id` (dossier
    checked that the staff member sees this client there)."""
    account = uow.session.get(Account, account_id)
    if account is None or account.kind != "client":
        raise NotFound()
    return open_session(uow, clock, account, "look-along", source_ip, user_agent,
                        read_only=True, looked_along_by=staff_id, scope_office_id=office_id)


def remove_client_account(uow, actor, account_id):
    """The portal account, its sessions and devices are gone (the office keeps its
    records). Idempotent."""
    account = uow.session.get(Account, account_id)
    if account is None or account.kind != "client":
        return
    uow.session.delete(account)
    uow.emit("account_removed", actor=actor, account_id=account_id)
