"""The second sign-in step: the code after a password login, and the client's or
admin's own switch for it (SMS, an authenticator app, off)."""

from ..http import json_response, route
from ..schemas import (
    CodeBody,
    Empty,
    MobileBody,
    PasswordBody,
    RecoveryCode,
    RecoveryCodes,
    SecondStepBody,
    SessionToken,
    TotpStart,
)


@route(
    "POST",
    "/auth/login/2fa",
    auth=False,
    body=SecondStepBody,
    tag="auth",
    responses={200: ("signed in", SessionToken), 401: ("invalid_code", None)},
)
def login_second_step(call):
    """The code (SMS, or TOTP for admins) or a recovery code after a password login
    that answered `two_factor_required`. A TOTP code works once. Ten misses in a row,
    across challenges, lock the account for 15 minutes (a password reset lifts it)."""
    return 200, call.services.identity.login_second_step(
        call.body["challenge_id"],
        code=call.body.get("code"),
        recovery_code=call.body.get("recovery_code"),
    )


@route(
    "POST",
    "/me/2fa/sms",
    body=MobileBody,
    tag="portal",
    responses={
        202: ("a code was sent to the mobile", Empty),
        422: ("invalid_mobile", None),
        429: (
            "rate_limited: at most 3 codes an hour to one number, and limits "
            "per account and per source address; Retry-After",
            None,
        ),
    },
)
def start_sms(call):
    """Client: switch the SMS second step on (confirm the code next)."""
    call.services.identity.start_sms_second_step(call.body["mobile"])
    return json_response(202)


@route(
    "POST",
    "/me/2fa/sms/confirm",
    body=CodeBody,
    tag="portal",
    responses={
        200: ("on; the recovery code, shown once", RecoveryCode),
        422: ("invalid_code", None),
    },
)
def confirm_sms(call):
    codes = call.services.identity.confirm_second_step("sms", call.body["code"])
    return 200, {"recovery_code": codes[0]}


@route(
    "POST", "/me/2fa/totp", tag="portal", responses={200: ("for an authenticator app", TotpStart)}
)
def start_totp(call):
    """Admin: an authenticator app as the second step (confirm a code next)."""
    return 200, call.services.identity.start_totp_second_step()


@route(
    "POST",
    "/me/2fa/totp/confirm",
    body=CodeBody,
    tag="portal",
    responses={200: ("on; ten recovery codes, shown once", RecoveryCodes)},
)
def confirm_totp(call):
    return 200, {
        "recovery_codes": call.services.identity.confirm_second_step("totp", call.body["code"])
    }


@route(
    "DELETE",
    "/me/2fa",
    body=PasswordBody,
    tag="portal",
    responses={
        204: ("the second step is off; the account's other sessions ended", None),
        400: ("validation_error: the password is required", None),
        422: ("wrong_password", None),
        429: ("rate_limited: too many wrong passwords; Retry-After", None),
    },
)
def disable(call):
    """Turns the caller's second step off: `{password}` confirms it. Every other session
    of the account ends; the caller's own stays."""
    call.services.identity.disable_second_step(call.body["password"])
    return json_response(204)
