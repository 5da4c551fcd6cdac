"""Staff sign in with their bound device only: challenge-response in the app, and on a
PC by approving a pairing code in the app. People see and unbind their devices."""

from sqlalchemy import select, update

from services.common.db import new_id, utcnow
from services.common.errors import NotFound
from services.common.paging import asc
from services.common.tokens import matches, new_token

from . import access, domain
from .events import DeviceUnbound
from .exceptions import InvalidSignature, LoginRefused, TokenExpired, TokenUsed
from .models import Account, AppLogin, Device, DeviceChallenge, Session
from .sessions import open_session
from .staff import record


def _device(uow, device_id):
    device = uow.session.get(Device, device_id) if device_id else None
    if device is None or device.revoked_at is not None:
        return None
    return device


def challenge(uow, device_id):
    """-> {challenge, expires_in}. NotFound for an unknown or unbound device."""
    if _device(uow, device_id) is None:
        raise NotFound()
    text = domain.new_challenge()
    uow.session.add(
        DeviceChallenge(
            challenge=text, device_id=device_id, expires_at=utcnow() + domain.CHALLENGE_VALIDITY
        )
    )
    return {"challenge": text, "expires_in": int(domain.CHALLENGE_VALIDITY.total_seconds())}


def login(uow, clock, device_id, challenge_text, signature, source_ip, user_agent):
    """-> a session for the device's account. InvalidSignature for a wrong, used or
    expired challenge, a wrong signature, an unbound device: one answer for all. A
    challenge is spent by any attempt (kept also when refused)."""
    device = _device(uow, device_id)
    # The row lock makes a challenge single-use also under concurrent attempts.
    issued = uow.session.get(DeviceChallenge, challenge_text, with_for_update=True)
    if (
        device is None
        or issued is None
        or issued.device_id != device_id
        or issued.used_at is not None
        or utcnow() >= issued.expires_at
    ):
        raise InvalidSignature()
    issued.used_at = utcnow()
    if not domain.signature_valid(device.public_key, signature, challenge_text):
        uow.refuse(InvalidSignature())
    device.last_used_at = utcnow()
    account = uow.session.get(Account, device.account_id)
    return open_session(uow, clock, account, "device", source_ip, user_agent, device_id=device.id)


def start_app_login(uow, source_ip, user_agent=None, validity=domain.APP_LOGIN_VALIDITY):
    """-> {login_id, pairing_code, expires_in, poll_secret}: the secret stays in the
    browser that asked (stored here as its hash) and must come with every poll."""
    now = utcnow()
    poll_secret, poll_secret_hash = new_token()
    app_login = AppLogin(
        id=new_id(),
        pairing_code=domain.new_pairing_code(),
        status="pending",
        source_ip=source_ip,
        user_agent=(user_agent or "")[:300] or None,
        poll_secret_hash=poll_secret_hash,
        created_at=now,
        expires_at=now + validity,
    )
    uow.session.add(app_login)
    return {
        "login_id": app_login.id,
        "pairing_code": app_login.pairing_code,
        "expires_in": int(validity.total_seconds()),
        "poll_secret": poll_secret,
    }


def find_app_login(uow, pairing_code, device_id, signature, app_source_ip=None):
    """The app, before it approves: which browser asks, from where and when, so that a
    code passed on by somebody else (a phished QR code) shows a stranger's browser. The
    code as typed on the phone (spaces, dashes and case aside); the device proves itself
    by its signature over the code. -> {login_id, user_agent, platform, source_ip,
    source_network, same_network (as the app's own address), started_at, expires_at}."""
    code = "".join(c for c in (pairing_code or "").upper() if c.isalnum())[:16]
    app_login = uow.session.scalar(
        select(AppLogin).where(
            AppLogin.pairing_code == code,
            AppLogin.status == "pending",
            AppLogin.expires_at > utcnow(),
        )
    )
    device = _device(uow, device_id)
    if device is None or not domain.signature_valid(device.public_key, signature, code):
        raise InvalidSignature()
    if app_login is None:
        raise NotFound()
    network = domain.network_of(app_login.source_ip)
    return {
        "login_id": app_login.id,
        "pairing_code": code,
        "user_agent": app_login.user_agent,
        "platform": domain.platform_of(app_login.user_agent),
        "source_ip": app_login.source_ip,
        "source_network": network,
        "same_network": network is not None and network == domain.network_of(app_source_ip),
        "started_at": app_login.created_at.isoformat(),
        "expires_at": app_login.expires_at.isoformat(),
    }


def approve_app_login(uow, login_id, device_id, signature, approve=True):
    """The app signs the pairing code shown on the PC with its device key: to approve the
    sign-in, or to refuse it (then the PC is told so)."""
    app_login = uow.session.get(AppLogin, login_id, with_for_update=True)
    if app_login is None:
        raise NotFound()
    if utcnow() >= app_login.expires_at:
        raise TokenExpired()
    if app_login.status != "pending":
        raise TokenUsed()
    device = _device(uow, device_id)
    if device is None or not domain.signature_valid(
        device.public_key, signature, app_login.pairing_code
    ):
        raise InvalidSignature()
    app_login.status = "approved" if approve else "refused"
    app_login.account_id, app_login.device_id = device.account_id, device.id
    device.last_used_at = utcnow()


def claim_app_login(uow, clock, login_id, source_ip, user_agent, poll_secret=None):
    """-> None while pending; the session once approved (handed out once), only to the
    browser that holds the login's secret (anyone else: NotFound, as for no login)."""
    app_login = uow.session.get(AppLogin, login_id, with_for_update=True)
    if app_login is None or not matches(app_login.poll_secret_hash, poll_secret):
        raise NotFound()
    if app_login.status == "claimed":
        raise TokenUsed()
    if app_login.status == "refused":
        raise LoginRefused()
    if utcnow() >= app_login.expires_at:
        raise TokenExpired()
    if app_login.status == "pending":
        return None
    if _device(uow, app_login.device_id) is None:  # unbound since it approved
        raise TokenExpired()
    app_login.status = "claimed"
    account = uow.session.get(Account, app_login.account_id)
    return open_session(
        uow, clock, account, "app-login", source_ip, user_agent, device_id=app_login.device_id
    )


def list_devices(uow, pager, principal, limit=50, cursor=None):
    """A page of the caller's bound devices, oldest first (ix_devices_account_created)."""
    devices, next_cursor = pager.page(
        uow.session,
        select(Device).where(access.own_devices(principal)),
        [asc(Device.created_at), asc(Device.id)],
        limit,
        cursor,
        scope=f"devices:{principal.account_id}",
    )
    return {
        "items": [
            {
                "id": d.id,
                "name": d.name,
                "platform": d.platform,
                "os_version": d.os_version,
                "app_version": d.app_version,
                "created_at": d.created_at.isoformat(),
                "last_used_at": d.last_used_at.isoformat() if d.last_used_at else None,
            }
            for d in devices
        ],
        "next_cursor": next_cursor,
    }


def unbind(uow, principal, device_id):
    device = uow.session.get(Device, device_id) if device_id else None
    if not access.sees_device(principal, device):
        raise NotFound()
    device.revoked_at = utcnow()
    end_device_sessions(uow, device.id)
    uow.emit(
        DeviceUnbound(account_id=device.account_id, device_id=device.id), actor=principal.account_id
    )
    record(uow, principal.account_id, "device_unbound", "device", device.id)


def end_device_sessions(uow, device_id):
    uow.session.execute(
        update(Session)
        .where(Session.device_id == device_id, Session.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )
