"""Sessions: opened at sign-in (password, second step, device, PC sign-in, activation,
look-along), checked on every request behind a bearer token, kept alive by activity,
ended by logout or by a change to the account's security."""

from sqlalchemy import bindparam, select, update

from services.common.context import Principal, sign
from services.common.db import new_id, utcnow
from services.common.errors import NotFound, Unauthenticated
from services.common.tokens import digest, new_token

from . import domain
from .events import SessionRevoked
from .exceptions import SessionExpired
from .models import Account, Membership, Session


def open_session(
    uow,
    clock,
    account,
    auth_method,
    source_ip,
    user_agent,
    read_only=False,
    device_id=None,
    looked_along_by=None,
    scope_office_id=None,
):
    token, token_hash = new_token()
    now = utcnow()
    session = Session(
        id=new_id(),
        token_hash=token_hash,
        account_id=account.id,
        auth_method=auth_method,
        read_only=read_only,
        source_ip=source_ip,
        device_id=device_id,
        looked_along_by=looked_along_by,
        scope_office_id=scope_office_id,
        user_agent=(user_agent or "")[:300],
        created_at=now,
        last_activity_at=now,
    )
    uow.session.add(session)
    return {"token": token, "idle_timeout_s": clock.idle_timeout_s, "warning_s": clock.warning_s}


def authenticate(uow, clock, token, touch):
    """The principal behind a bearer token. Unauthenticated for an unknown or ended
    session; SessionExpired once idle too long. `touch` counts the call as activity,
    written at most once per the clock's activity interval. Beside the principal's
    fields, `session` holds the clock's facts for the gateway's cache."""
    session = _alive(uow.session.scalar(select(Session).where(Session.token_hash == digest(token))))
    now = utcnow()
    if now >= clock.expires_at(session):
        raise SessionExpired()
    if session.looked_along_by and not _look_along_allowed(uow, session, now):
        raise Unauthenticated()
    if touch and clock.activity_due(session, now):
        session.last_activity_at = now
    # The three columns it needs, not the entity (which would load its field key too).
    account = uow.session.execute(
        select(Account.id, Account.kind, Account.language).where(Account.id == session.account_id)
    ).one()
    offices = dict(
        uow.session.execute(
            select(Membership.office_id, Membership.role).where(Membership.account_id == account.id)
        ).all()
    )
    return {
        "account_id": account.id,
        "kind": account.kind,
        "session_id": session.id,
        "language": account.language,
        "read_only": session.read_only,
        "offices": offices,
        "looked_along_by": session.looked_along_by,
        "scope_office_id": session.scope_office_id,
        "auth_method": session.auth_method,
        "session": clock.facts(session),
    }


def _look_along_allowed(uow, session, now):
    """A look-along session lives while its staff member still works for the office,
    and never longer than LOOK_ALONG_MAX_AGE, however active."""
    member = uow.session.scalar(
        select(Membership.id).where(
            Membership.account_id == session.looked_along_by,
            Membership.office_id == session.scope_office_id,
        )
    )
    return member is not None and now < session.created_at + domain.LOOK_ALONG_MAX_AGE


def describe_session(uow, clock, session_id):
    """The session's clock, and the server's `now` (a browser corrects its own clock by it).
    A read on every portal page: the row comes as a Core row (the clock reads only
    columns), which costs a third of loading an ORM object."""
    session = _alive(uow.session.execute(_SESSION_CLOCK, {"session_id": session_id}).first())
    return {**clock.describe(session), "now": utcnow().isoformat()}


def signed(found, issuer, ttl_s):
    """`authenticate`'s answer with the principal signed for the gateway to forward
    (services/common/context.py): `signed`, and `expires_at` (epoch seconds) `ttl_s`
    from now."""
    principal = sign(Principal.from_dict(found), issuer, ttl_s)
    return {**found, "signed": principal.signed, "expires_at": principal.expires_at}


_SESSION_CLOCK = select(Session.revoked_at, Session.created_at, Session.last_activity_at).where(
    Session.id == bindparam("session_id")
)


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
    uow.emit(SessionRevoked(session_id=session.id, reason="logout"), actor=actor)


def _live_session(uow, session_id):
    return _alive(uow.session.get(Session, session_id))


def _alive(session):
    """The session (an ORM object or a row), unless there is none or it was ended:
    then Unauthenticated."""
    if session is None or session.revoked_at is not None:
        raise Unauthenticated()
    return session


def end_sessions(uow, account_id, reason, keep_session_id=None):
    """Every live session of the account ends, but `keep_session_id` (the caller's own)."""
    query = update(Session).where(Session.account_id == account_id, Session.revoked_at.is_(None))
    if keep_session_id is not None:
        query = query.where(Session.id != keep_session_id)
    uow.session.execute(query.values(revoked_at=utcnow()))
    uow.emit(SessionRevoked(account_id=account_id, reason=reason), actor=account_id)


def open_look_along(uow, clock, account_id, staff_id, office_id, source_ip, user_agent):
    """A read-only session that sees what the client sees at `office_id` (dossier
    checked that the staff member sees this client there)."""
    account = uow.session.get(Account, account_id)
    if account is None or account.kind != "client":
        raise NotFound()
    return open_session(
        uow,
        clock,
        account,
        "look-along",
        source_ip,
        user_agent,
        read_only=True,
        looked_along_by=staff_id,
        scope_office_id=office_id,
    )
