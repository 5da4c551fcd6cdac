"""Passwords: the reset link by e-mail and setting a new password with it; the rules
a password must meet; the single-use links (reset, activation, staff link) found by
their token."""

from sqlalchemy import select, update

from services.common.db import new_id, utcnow
from services.common.tokens import digest, new_token
from services.notify.events import SendNotification

from . import domain, guard, lookup
from .exceptions import InvalidToken, TokenExpired, TokenUsed, WeakPassword
from .models import Account, PasswordReset
from .sessions import end_sessions


def request_password_reset(uow, email, public_url):
    """Mail a single-use reset link (valid one hour) when the account exists; the
    caller answers the same either way, so nothing tells whether it does."""
    account = lookup.by_email(uow.session, email)
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
    token = _new_reset_link(uow, account.id)
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


def _new_reset_link(uow, account_id):
    """A single-use reset link, valid one hour, stored as its hash. -> its token."""
    now = utcnow()
    token, token_hash = new_token()
    uow.session.add(
        PasswordReset(
            id=new_id(),
            purpose="reset",
            token_hash=token_hash,
            attempts=0,
            account_id=account_id,
            created_at=now,
            expires_at=now + domain.RESET_TOKEN_VALIDITY,
        )
    )
    return token


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
