"""Sign-in, sessions and password reset (identity)."""

from ..http import json_response, route
from ..schemas import (
    AppLogin,
    AppLoginApproveBody,
    AppLoginClaimBody,
    AppLoginLookupBody,
    AppLoginRequest,
    DeviceChallenge,
    DeviceIdBody,
    DeviceLoginBody,
    Empty,
    ForgotBody,
    LoginBody,
    Pending,
    ResetBody,
    SessionState,
    SessionToken,
)


@route(
    "POST",
    "/auth/login",
    auth=False,
    body=LoginBody,
    tag="auth",
    responses={
        200: (
            "signed in, or {two_factor_required, challenge_id, method, code_sent?, retry_after_s?}",
            SessionToken,
        ),
        401: ("invalid_credentials", None),
        429: (
            "rate_limited: too many misses from this address or at this account; Retry-After",
            None,
        ),
    },
)
def login(call):
    """Password login (admin, client). The same 401 for an unknown e-mail, a wrong
    password and a locked account. Ten misses from one address lock that address out
    of the account for 15 minutes (other addresses are not); many misses from an
    address, or at an account from addresses it never signed in from, get 429 first."""
    result = call.services.identity.login(
        call.body["email"],
        call.body["password"],
        source_ip=call.source_ip,
        user_agent=call.user_agent,
    )
    return 200, result


@route(
    "GET",
    "/auth/session",
    touch=False,
    tag="auth",
    responses={200: ("the session's clock; does not extend it", SessionState)},
)
def session(call):
    """When the caller's session expires and when the warning starts."""
    return 200, call.services.identity.describe_session()


@route(
    "POST",
    "/auth/session/extend",
    changes_access=False,
    tag="auth",
    read_only_ok=True,
    responses={200: ("idle clock reset", SessionState)},
)
def extend(call):
    """Resets the idle clock at once (any other authenticated request that is not a
    background read does too, to within the activity interval: gateway/principals.py)."""
    return 200, call.services.identity.touch_session()


@route(
    "POST",
    "/auth/logout",
    tag="auth",
    read_only_ok=True,
    responses={204: ("the token is dead", None)},
)
def logout(call):
    call.services.identity.logout()
    return json_response(204)


@route(
    "POST",
    "/auth/password/forgot",
    auth=False,
    body=ForgotBody,
    tag="auth",
    responses={202: ("always, whether the address is known or not", Empty)},
)
def forgot(call):
    """Mails a reset link (valid one hour, single use) when the account exists."""
    call.services.identity.request_password_reset(call.body["email"])
    return json_response(202)


@route(
    "POST",
    "/auth/password/reset",
    auth=False,
    body=ResetBody,
    tag="auth",
    responses={
        204: ("password set; every session ended", None),
        400: ("invalid_token", None),
        410: ("token_expired | token_used", None),
        422: ("weak_password, details.rules", None),
    },
)
def reset(call):
    call.services.identity.reset_password(call.body["token"], call.body["password"])
    return json_response(204)


@route(
    "POST",
    "/auth/device/challenge",
    auth=False,
    body=DeviceIdBody,
    tag="auth",
    responses={
        200: ("a single-use challenge for the device to sign", DeviceChallenge),
        404: ("not_found: no such bound device", None),
    },
)
def device_challenge(call):
    return 200, call.services.identity.device_challenge(call.body["device_id"])


@route(
    "POST",
    "/auth/device/login",
    auth=False,
    body=DeviceLoginBody,
    tag="auth",
    responses={200: ("signed in", SessionToken), 401: ("invalid_signature", None)},
)
def device_login(call):
    """Staff sign in with their bound device: the signature over the challenge."""
    return 200, call.services.identity.device_login(
        call.body["device_id"],
        call.body["challenge"],
        call.body["signature"],
        source_ip=call.source_ip,
        user_agent=call.user_agent,
    )


@route(
    "POST",
    "/auth/app-login",
    auth=False,
    tag="auth",
    responses={
        200: ("show the pairing code; the app approves it", AppLogin),
        429: ("rate_limited: too many from this address", None),
    },
)
def start_app_login(call):
    """Web sign-in on a PC, approved in the app (which is shown this browser, its address
    and the time before it approves)."""
    return 200, call.services.identity.start_app_login(
        source_ip=call.source_ip, user_agent=call.user_agent
    )


@route(
    "POST",
    "/auth/app-login/lookup",
    auth=False,
    body=AppLoginLookupBody,
    tag="auth",
    responses={
        200: ("the pending sign-in behind the code", AppLoginRequest),
        401: ("invalid_signature", None),
        404: ("not_found: no such code", None),
    },
)
def find_app_login(call):
    """Called by the app with the code the PC shows, signed with its device key: which
    browser and system ask, from which address (and whether that is the app's own
    network), since when."""
    return 200, call.services.identity.find_app_login(
        call.body["pairing_code"],
        call.body["device_id"],
        call.body["signature"],
        source_ip=call.source_ip,
    )


@route(
    "POST",
    "/auth/app-login/<login_id>/approve",
    auth=False,
    body=AppLoginApproveBody,
    tag="auth",
    responses={204: ("approved", None), 401: ("invalid_signature", None)},
)
def approve_app_login(call, login_id):
    """Called by the app: its signature over the pairing code."""
    call.services.identity.approve_app_login(
        login_id, call.body["device_id"], call.body["signature"]
    )
    return json_response(204)


@route(
    "POST",
    "/auth/app-login/<login_id>/refuse",
    auth=False,
    body=AppLoginApproveBody,
    tag="auth",
    responses={204: ("refused: the PC is told so", None), 401: ("invalid_signature", None)},
)
def refuse_app_login(call, login_id):
    """Called by the app: the person did not start this sign-in."""
    call.services.identity.approve_app_login(
        login_id, call.body["device_id"], call.body["signature"], approve=False
    )
    return json_response(204)


@route(
    "POST",
    "/auth/app-login/<login_id>/token",
    auth=False,
    body=AppLoginClaimBody,
    tag="auth",
    responses={
        200: ("signed in (once only)", SessionToken),
        202: ("still pending", Pending),
        410: ("token_expired | token_used | login_refused", None),
    },
)
def app_login_token(call, login_id):
    """The browser that started the login polls with the `poll_secret` it was given;
    without it the login is not found (knowing the id or the code is not enough)."""
    result = call.services.identity.claim_app_login(
        login_id,
        source_ip=call.source_ip,
        user_agent=call.user_agent,
        poll_secret=call.body["poll_secret"],
    )
    return (202, {"status": "pending"}) if result is None else (200, result)
