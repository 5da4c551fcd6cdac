"""Sign-in, sessions and password reset (identity)."""
from ..http import json_response, route
from ..schemas import ForgotBody, LoginBody, ResetBody, SessionState, SessionToken


@route("POST", "/auth/login", auth=False, body=LoginBody, tag="auth",
       responses={200: ("signed in", SessionToken), 401: ("invalid_credentials", None)})
def login(call):
    """Password login (admin, client). The same 401 for an unknown e-mail, a wrong
    password and a locked account."""
    result = call.services.identity.login(call.body["email"], call.body["password"],
                                          source_ip=call.source_ip, user_agent=call.user_agent)
    return 200, result


@route("GET", "/auth/session", touch=False, tag="auth",
       responses={200: ("the session's clock; does not extend it", SessionState)})
def session(call):
    """When the caller's session expires and when the warning starts."""
    return 200, call.services.identity.describe_session()


@route("POST", "/auth/session/extend", tag="auth",
       responses={200: ("idle clock reset", SessionState)})
def extend(call):
    """Resets the idle clock (any authenticated request does; this one says so)."""
    return 200, call.services.identity.describe_session()


@route("POST", "/auth/logout", tag="auth", responses={204: ("the token is dead", None)})
def logout(call):
    call.services.identity.logout()
    return json_response(204)


@route("POST", "/auth/password/forgot", auth=False, body=ForgotBody, tag="auth",
       responses={202: ("always, whether the address is known or not", None)})
def forgot(call):
    """Mails a reset link (valid one hour, single use) when the account exists."""
    call.services.identity.request_password_reset(call.body["email"])
    return json_response(202)


@route("POST", "/auth/password/reset", auth=False, body=ResetBody, tag="auth",
       responses={204: ("password set; every session ended", None),
                  400: ("invalid_token", None), 410: ("token_expired | token_used", None),
                  422: ("weak_password, details.rules", None)})
def reset(call):
    call.services.identity.reset_password(call.body["token"], call.body["password"])
    return json_response(204)
