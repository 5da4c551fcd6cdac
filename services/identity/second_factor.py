"""The second sign-in step: an SMS code for clients, TOTP for admins, each with
single-use recovery codes (stored as hashes). Enrolment proves the factor first.

Misses count per account across challenges (a right password opens a new challenge
at will): `second_step_lock_after` in a row lock the whole account for LOCK_DURATION,
as only someone who knows the password gets here; a password reset lifts it. A TOTP
code works once. Texts are limited per account, number and address (guard.py)."""

import secrets
from datetime import timedelta

from sqlalchemy import select, update

from services.common.contacts import normalise_mobile
from services.common.db import new_id, utcnow
from services.common.errors import Forbidden, NotFound
from services.common.tokens import digest, matches
from services.notify.events import SendNotification

from . import access, domain, guard, totp
from .events import SecondFactorChanged
from .exceptions import InvalidCode, InvalidLoginCode, InvalidMobile, RateLimited, WrongPassword
from .models import Account, SecondStep
from .sessions import end_sessions, open_session

STEP_VALIDITY = timedelta(minutes=10)
STEP_ATTEMPTS = 5


def new_recovery_code():
    raw = secrets.token_hex(6).upper()
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


def _normal_recovery(code):
    return (code or "").replace("-", "").replace(" ", "").upper()


def begin_login(uow, policy, account, source_ip, user_agent):
    """The password was right: -> {two_factor_required, challenge_id, method, code_sent}.
    Beyond the texts' limits no SMS goes out (`code_sent` false, `retry_after_s`): a
    recovery code still works, and the password alone cannot pump texts."""
    step = SecondStep(
        id=new_id(),
        account_id=account.id,
        purpose="login",
        method=account.second_factor,
        attempts=0,
        source_ip=source_ip,
        user_agent=(user_agent or "")[:300],
        expires_at=utcnow() + STEP_VALIDITY,
    )
    result = {"two_factor_required": True, "challenge_id": step.id, "method": account.second_factor}
    if account.second_factor == "sms":
        code, step.code_hash = domain.new_code()
        wait = guard.wait_before_sms(
            uow, policy, account.id, account.second_factor_secret, source_ip
        )
        result["code_sent"] = wait is None
        if wait:
            result["retry_after_s"] = wait
        else:
            uow.send(
                "notify",
                SendNotification(
                    template="login_code",
                    language=account.language,
                    to={"mobile": account.second_factor_secret},
                    data={"code": code, "minutes": 10},
                ),
            )
    uow.session.add(step)
    return result


def finish_login(uow, clock, policy, challenge_id, code=None, recovery_code=None, public_url=""):
    """-> the session. InvalidLoginCode for a wrong, used or expired code (five misses
    spend the step, `second_step_lock_after` across steps lock the account: both kept)."""
    step = uow.session.get(SecondStep, challenge_id, with_for_update=True)
    if (
        step is None
        or step.purpose != "login"
        or step.used_at is not None
        or utcnow() >= step.expires_at
    ):
        raise InvalidLoginCode()
    account = uow.session.get(Account, step.account_id, with_for_update={"of": Account})
    if domain.is_locked(account, utcnow()):
        raise InvalidLoginCode()
    method = _check(account, step, code, recovery_code)
    if method is None:
        if guard.count_attempt(step, "attempts", STEP_ATTEMPTS):
            step.used_at = utcnow()
        _count_miss(uow, policy, account, public_url)
        uow.refuse(InvalidLoginCode())
    step.used_at = utcnow()
    account.failed_logins = 0
    return open_session(uow, clock, account, f"password+{method}", step.source_ip, step.user_agent)


def _count_miss(uow, policy, account, public_url):
    if not guard.count_attempt(account, "failed_logins", policy.second_step_lock_after):
        return
    now = utcnow()
    account.failed_logins = 0
    account.locked_until = now + domain.LOCK_DURATION
    uow.session.execute(
        update(SecondStep)
        .where(  # every open challenge is spent
            SecondStep.account_id == account.id,
            SecondStep.purpose == "login",
            SecondStep.used_at.is_(None),
        )
        .values(used_at=now)
    )
    guard.send_lock_mail(uow, account, public_url)


def _check(account, step, code, recovery_code):
    if recovery_code:
        hashes = (account.recovery_code_hashes or "").split()
        wanted = digest(_normal_recovery(recovery_code))
        if wanted in hashes:
            hashes.remove(wanted)  # single use
            account.recovery_code_hashes = "\n".join(hashes)
            return "recovery"
        return None
    if step.method == "sms" and matches(step.code_hash, code):
        return "sms"
    if step.method == "totp":
        matched = totp.matching_step(
            account.second_factor_secret, code, after=account.totp_last_step
        )
        if matched is not None:
            account.totp_last_step = matched  # spent: refused again within its window
            return "totp"
    return None


def start_sms(uow, policy, principal, mobile):
    """Client: a code to the new mobile; confirming it switches the second step on.
    RateLimited beyond the texts' limits (per account, number and address)."""
    if not access.may_set_up_second_step(principal, "sms"):
        raise Forbidden()
    normalised = normalise_mobile(mobile)
    if normalised is None:
        raise InvalidMobile({"mobile": ["invalid_mobile"]})
    wait = guard.wait_before_sms(uow, policy, principal.account_id, normalised, principal.source_ip)
    if wait:
        raise RateLimited({"retry_after_s": wait})  # nothing was taken: nothing to keep
    code, code_hash = domain.new_code()
    account = uow.session.get(Account, principal.account_id)
    uow.session.add(
        SecondStep(
            id=new_id(),
            account_id=account.id,
            purpose="enrol",
            method="sms",
            code_hash=code_hash,
            secret=normalised,
            attempts=0,
            expires_at=utcnow() + STEP_VALIDITY,
        )
    )
    uow.send(
        "notify",
        SendNotification(
            template="login_code",
            language=account.language,
            to={"mobile": normalised},
            data={"code": code, "minutes": 10},
        ),
    )


def start_totp(uow, principal):
    """Admin: a new TOTP secret to load into an authenticator app."""
    if not access.may_set_up_second_step(principal, "totp"):
        raise Forbidden()
    account = uow.session.get(Account, principal.account_id)
    secret = totp.new_secret()
    uow.session.add(
        SecondStep(
            id=new_id(),
            account_id=account.id,
            purpose="enrol",
            method="totp",
            secret=secret,
            attempts=0,
            expires_at=utcnow() + STEP_VALIDITY,
        )
    )
    return {"secret": secret, "otpauth_uri": totp.provisioning_uri(secret, account.email)}


def confirm(uow, principal, method, code):
    """-> the recovery codes (shown once). InvalidCode for a wrong one (counted: five
    spend the enrolment)."""
    step = uow.session.scalar(
        select(SecondStep)
        .where(
            SecondStep.account_id == principal.account_id,
            SecondStep.purpose == "enrol",
            SecondStep.method == method,
            SecondStep.used_at.is_(None),
        )
        .order_by(SecondStep.expires_at.desc())
        .limit(1)
        .with_for_update()
    )
    if step is None or utcnow() >= step.expires_at:
        raise NotFound()
    matched = totp.matching_step(step.secret, code) if method == "totp" else None
    ok = matches(step.code_hash, code) if method == "sms" else matched is not None
    if not ok:
        if guard.count_attempt(step, "attempts", STEP_ATTEMPTS):
            step.used_at = utcnow()
        uow.refuse(InvalidCode({"code": ["invalid_code"]}))
    step.used_at = utcnow()
    account = uow.session.get(Account, principal.account_id)
    codes = [new_recovery_code() for _ in range(1 if method == "sms" else 10)]
    account.second_factor, account.second_factor_secret = method, step.secret
    account.totp_last_step = matched  # the code just typed does not sign in too
    account.recovery_code_hashes = "\n".join(digest(_normal_recovery(c)) for c in codes)
    uow.emit(SecondFactorChanged(account_id=account.id, method=method), actor=account.id)
    # Where codes go has changed (a new number, a new app): a session that made this
    # change keeps going, every other one ends.
    end_sessions(uow, account.id, "second_factor_changed", keep_session_id=principal.session_id)
    return codes


def disable(store, policy, principal, password):
    """Off only with the account's password: a stolen session alone cannot take the
    second step away. Every other session ends. WrongPassword for a wrong password
    (counted as a miss from the caller's address, like a sign-in). The password is
    checked between two units of work, as at sign-in (password_login.login)."""
    with store.unit_of_work() as uow:
        account = uow.session.get(Account, principal.account_id)
        key = guard.lock_key(principal.source_ip, account.email, account)
        password_hash, locked = account.password_hash, guard.is_locked(uow, key)
    ok = not locked and domain.verify_password(password_hash, password)
    with store.unit_of_work() as uow:
        account = uow.session.get(Account, principal.account_id)
        if not ok or account.password_hash != password_hash:
            guard.count_miss(uow, policy, account.email, principal.source_ip, key)
            uow.refuse(WrongPassword({"password": ["wrong_password"]}))
        account.second_factor = account.second_factor_secret = None
        account.recovery_code_hashes = account.totp_last_step = None
        uow.emit(SecondFactorChanged(account_id=account.id, method=None), actor=account.id)
        end_sessions(uow, account.id, "second_factor_off", keep_session_id=principal.session_id)
