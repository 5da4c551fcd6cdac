"""A client's portal account: prepared when the client confirms the invitation
(e-mail 2 with a set-password link, plus an SMS code when a mobile is on file),
activated when the password is set (e-mail 3 confirms; event `account_activated`)."""

from datetime import timedelta

from sqlalchemy import update

from services.common.db import new_id, utcnow
from services.common.tokens import digest, new_token
from services.notify.events import SendNotification

from . import domain, guard, lookup
from .events import AccountActivated, AccountCreated, SessionRevoked
from .exceptions import EmailInUse, InvalidCode
from .models import Account, PasswordReset, Session
from .passwords import open_link, require_strong
from .sessions import open_session

ACTIVATION_VALIDITY = timedelta(hours=24)
SMS_CODE_VALIDITY = timedelta(minutes=10)  # docs/api.md: codes live ten minutes
SMS_CODE_ATTEMPTS = 5
LINKS_PER_HOUR = 5


def prepare_client_account(uow, email, name, mobile, language, public_url):
    """-> {account_id, existing}. Creates the client account when absent and mails a
    fresh set-password link (earlier links stop working). An account that is already
    active keeps its password and second step: its owner just signs in."""
    email = domain.normalise_email(email)
    account = lookup.by_email(uow.session, email, for_update=True)
    if account is None:
        account = _new_client_account(uow, email, name, mobile, language)
    elif account.kind != "client":
        raise EmailInUse()
    if account.password_hash is not None:
        return {"account_id": account.id, "existing": True}
    guard.refuse_beyond_per_hour(
        uow,
        PasswordReset.created_at,
        LINKS_PER_HOUR,
        PasswordReset.account_id == account.id,
        PasswordReset.purpose == "activation",
    )
    token, code = _new_activation_link(uow, account.id, with_code=bool(mobile))
    _send_activation(uow, account, mobile, token, code, public_url)
    return {"account_id": account.id, "existing": False}


def _new_client_account(uow, email, name, mobile, language):
    account = Account(
        id=new_id(),
        kind="client",
        email=email,
        name=name,
        mobile=mobile,
        language=language,
        failed_logins=0,
        created_at=utcnow(),
    )
    uow.session.add(account)
    uow.session.flush()
    uow.emit(AccountCreated(account_id=account.id, kind="client"), actor=None)
    return account


def _new_activation_link(uow, account_id, with_code):
    """A fresh set-password link (and SMS code), the account's earlier ones spent.
    -> (token, code or None)."""
    now = utcnow()
    uow.session.execute(
        update(PasswordReset)
        .where(
            PasswordReset.account_id == account_id,
            PasswordReset.purpose == "activation",
            PasswordReset.used_at.is_(None),
        )
        .values(used_at=now)
    )
    token, token_hash = new_token()
    code, code_hash = domain.new_code() if with_code else (None, None)
    uow.session.add(
        PasswordReset(
            id=new_id(),
            purpose="activation",
            token_hash=token_hash,
            sms_code_hash=code_hash,
            attempts=0,
            account_id=account_id,
            created_at=now,
            expires_at=now + ACTIVATION_VALIDITY,
        )
    )
    return token, code


def _send_activation(uow, account, mobile, token, code, public_url):
    """E-mail 2 with the link; the code by SMS to `mobile` when there is one."""
    uow.send(
        "notify",
        SendNotification(
            template="activation_password",
            language=account.language,
            to={"email": account.email},
            data={
                "name": account.name,
                "hours": 24,
                "with_sms": bool(code),
                # `sms=1` tells the portal's page to ask for the texted code too.
                "password_url": f"{public_url}/set-password?token={token}"
                f"{'&sms=1' if code else ''}",
            },
        ),
    )
    if code:
        uow.send(
            "notify",
            SendNotification(
                template="activation_code",
                language=account.language,
                to={"mobile": mobile},
                data={"code": code, "minutes": int(SMS_CODE_VALIDITY.total_seconds() // 60)},
            ),
        )


def complete_activation(uow, clock, token, password, sms_code, source_ip, user_agent):
    """-> the session. InvalidCode for a wrong SMS code (counted; five spend the link)."""
    require_strong(password)
    link = open_link(uow, token, "activation")
    now = utcnow()
    code_fresh = now < link.created_at + SMS_CODE_VALIDITY
    if link.sms_code_hash and (not code_fresh or digest(sms_code) != link.sms_code_hash):
        if guard.count_attempt(link, "attempts", SMS_CODE_ATTEMPTS):
            link.used_at = now
        uow.refuse(InvalidCode({"sms_code": ["invalid_code"]}))
    link.used_at = now
    account = uow.session.get(Account, link.account_id)
    account.password_hash = domain.hash_password(password)
    uow.emit(AccountActivated(account_id=account.id), actor=account.id)
    uow.send(
        "notify",
        SendNotification(
            template="activation_confirmed",
            language=account.language,
            to={"email": account.email},
            data={"name": account.name},
        ),
    )
    return open_session(uow, clock, account, "password", source_ip, user_agent)


def end_for_contact_change(uow, account_id):
    """An office changed the e-mail or mobile of a client record that uses this client
    account: its sessions end (whoever held the old address or number is out) and its
    open activation links and codes, sent to the old contact, stop working. Idempotent;
    nothing for an unknown or non-client account."""
    account = uow.session.get(Account, account_id)
    if account is None or account.kind != "client":
        return
    now = utcnow()
    uow.session.execute(
        update(PasswordReset)
        .where(
            PasswordReset.account_id == account_id,
            PasswordReset.purpose == "activation",
            PasswordReset.used_at.is_(None),
        )
        .values(used_at=now)
    )
    uow.session.execute(
        update(Session)
        .where(Session.account_id == account_id, Session.revoked_at.is_(None))
        .values(revoked_at=now)
    )
    uow.emit(SessionRevoked(account_id=account_id, reason="contact_changed"), actor=None)
