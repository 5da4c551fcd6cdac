"""The second sign-in step: an SMS code for clients, TOTP for admins, each with
single-use recovery codes (stored as hashes). Enrolment proves the factor first."""
import secrets
from datetime import timedelta

from sqlalchemy import select

from services.common.contacts import normalise_mobile
from services.common.db import new_id, utcnow
from services.common.errors import Forbidden, NotFound

from . import domain, totp
from .exceptions import InvalidMobile
from .models import Account, SecondStep
from .use_cases import open_session

STEP_VALIDITY = timedelta(minutes=10)
STEP_ATTEMPTS = 5


def new_recovery_code():
    raw = secrets.token_hex(6).upper()
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


def _normal_recovery(code):
    return (code or "").replace("-", "").replace(" ", "").upper()


def begin_login(uow, account, source_ip, user_agent):
    """The password was right: -> {two_factor_required, challenge_id, method}."""
    step = SecondStep(id=new_id(), account_id=account.id, purpose="login",
                      method=account.second_factor, attempts=0, source_ip=source_ip,
                      user_agent=(user_agent or "")[:300], expires_at=utcnow() + STEP_VALIDITY)
    if account.second_factor == "sms":
        code, step.code_hash = domain.new_code()
        uow.send("notify", "send_notification", template="login_code",
                 language=account.language, to={"mobile": account.second_factor_secret},
                 data={"code": code, "minutes": 10})
    uow.session.add(step)
    return {"two_factor_required": True, "challenge_id": step.id,
            "method": account.second_factor}


def finish_login(uow, clock, challenge_id, code=None, recovery_code=None):
    """-> the session, or None (wrong, used or expired; five misses spend the step)."""
    step = uow.session.get(SecondStep, challenge_id, with_for_update=True)
    if step is None or step.purpose != "login" or step.used_at is not None or \
            utcnow() >= step.expires_at:
        return None
    account = uow.session.get(Account, step.account_id)
    method = _check(account, step, code, recovery_code)
    if method is None:
        step.attempts += 1
        if step.attempts >= STEP_ATTEMPTS:
            step.used_at = utcnow()
        return None
    step.used_at = utcnow()
    return open_session(uow, clock, account, f"password+{method}", step.source_ip,
                        step.user_agent)


def _check(account, step, code, recovery_code):
    if recovery_code:
        hashes = (account.recovery_code_hashes or "").split()
        wanted = domain.hash_token(_normal_recovery(recovery_code))
        if wanted in hashes:
            hashes.remove(wanted)  # single use
            account.recovery_code_hashes = "\n".join(hashes)
            return "recovery"
        return None
    if step.method == "sms" and step.code_hash == domain.hash_token(code or ""):
        return "sms"
    if step.method == "totp" and totp.verify(account.second_factor_secret, code):
        return "totp"
    return None


def start_sms(uow, principal, mobile):
    """Client: a code to the new mobile; confirming it switches the second step on."""
    if principal.kind != "client":
        raise Forbidden()
    normalised = normalise_mobile(mobile)
    if normalised is None:
        raise InvalidMobile({"mobile": ["invalid_mobile"]})
    code, code_hash = domain.new_code()
    account = uow.session.get(Account, principal.account_id)
    uow.session.add(SecondStep(id=new_id(), account_id=account.id, purpose="enrol",
                               method="sms", code_hash=code_hash, secret=normalised,
                               attempts=0, expires_at=utcnow() + STEP_VALIDITY))
    uow.send("notify", "send_notification", template="login_code", language=account.language,
             to={"mobile": normalised}, data={"code": code, "minutes": 10})


def start_totp(uow, principal):
    """Admin: a new TOTP secret to load into an authenticator app."""
    if principal.kind != "admin":
        raise Forbidden()
    account = uow.session.get(Account, principal.account_id)
    secret = totp.new_secret()
    uow.session.add(SecondStep(id=new_id(), account_id=account.id, purpose="enrol",
                               method="totp", secret=secret, attempts=0,
                               expires_at=utcnow() + STEP_VALIDITY))
    return {"secret": secret, "otpauth_uri": totp.provisioning_uri(secret, account.email)}


def confirm(uow, principal, method, code):
    """-> the recovery codes (shown once), or None for a wrong code."""
    step = uow.session.scalar(select(SecondStep).where(
        SecondStep.account_id == principal.account_id, SecondStep.purpose == "enrol",
        SecondStep.method == method, SecondStep.used_at.is_(None))
        .order_by(SecondStep.expires_at.desc()).limit(1).with_for_update())
    if step is None or utcnow() >= step.expires_at:
        raise NotFound()
    ok = step.code_hash == domain.hash_token(code) if method == "sms" else \
        totp.verify(step.secret, code)
    if not ok:
        step.attempts += 1
        if step.attempts >= STEP_ATTEMPTS:
            step.used_at = utcnow()
        return None
    step.used_at = utcnow()
    account = uow.session.get(Account, principal.account_id)
    codes = [new_recovery_code() for _ in range(1 if method == "sms" else 10)]
    account.second_factor, account.second_factor_secret = method, step.secret
    account.recovery_code_hashes = "\n".join(domain.hash_token(_normal_recovery(c))
                                             for c in codes)
    uow.emit("second_factor_changed", actor=account.id, account_id=account.id, method=method)
    return codes


def disable(uow, principal):
    account = uow.session.get(Account, principal.account_id)
    account.second_factor = account.second_factor_secret = account.recovery_code_hashes = None
    uow.emit("second_factor_changed", actor=account.id, account_id=account.id, method=None)
