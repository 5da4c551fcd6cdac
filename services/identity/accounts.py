"""Accounts: created (by the admin, at set-up for the admin itself), their own name and
language changed, a client's removed. Plain functions over a unit of work (`uow.session`,
`uow.emit`, `uow.send`) that refuse by raising a KluisError."""

from sqlalchemy import delete, or_, select

from services.common.db import new_id, utcnow
from services.common.sealed_columns import shred_owner

from . import domain, lookup
from .events import AccountCreated, AccountLanguageChanged, AccountRemoved
from .exceptions import EmailInUse
from .models import Account, AccountFieldKey, LoginAttempt
from .passwords import require_strong
from .sessions import end_sessions


def create_account(uow, kind, email, name="", language="nl", password=None):
    if password is not None:
        require_strong(password)
    if lookup.by_email(uow.session, email) is not None:  # also one not sealed yet
        raise EmailInUse({"email": ["email_in_use"]})
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
    if lookup.by_email(uow.session, email) is not None:
        return False
    create_account(uow, "admin", email, name="Admin", language="nl", password=password)
    return True


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


def remove_client_account(uow, actor, account_id):
    """The portal account, its sessions and devices are gone (the office keeps its
    records). Its field key is destroyed first: a copy of the row (a backup) can no
    longer be read (crypto-shredding, docs/privacy.md). Idempotent."""
    account = uow.session.get(Account, account_id)
    if account is None or account.kind != "client":
        return
    shred_owner(uow.session, AccountFieldKey, account_id)
    uow.session.delete(account)
    uow.emit(AccountRemoved(account_id=account_id), actor=actor)


def erase_client_contacts(uow, actor, emails):
    """The end of a client's retention (dossier checked that no other office's record
    uses these addresses): the client accounts under them go, as at unlink, and so do
    the sign-in records under those addresses or accounts. Idempotent. -> how many
    accounts and sign-in records went."""
    emails = sorted({domain.normalise_email(e) for e in emails})[:500]
    accounts = uow.session.scalars(
        select(Account).where(lookup.has_emails(uow.session, emails), Account.kind == "client")
    ).all()
    account_ids = [a.id for a in accounts]
    for account in accounts:
        remove_client_account(uow, actor, account.id)
    indexes = [lookup.email_index(uow.session, e) for e in emails]
    attempts = uow.session.execute(
        delete(LoginAttempt).where(
            or_(LoginAttempt.email_index.in_(indexes), LoginAttempt.account_id.in_(account_ids))
        )
    ).rowcount
    return {"accounts": len(accounts), "login_attempts": attempts}
