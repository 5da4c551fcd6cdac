"""The client's portal account as the office and the client see it: unlink, look-along,
extra accounts of a company, the second sign-in step, audit, home and actions."""

from services.common.errors import ValidationFailed
from services.common.paging import BAD_CURSOR

from ..http import json_response, paging, route
from ..schemas import (
    CodeBody,
    CompanyQuery,
    Empty,
    ExtraAccount,
    ExtraAccountBody,
    Home,
    ItemList,
    LinkAnswer,
    LinkRequestList,
    ListQuery,
    MobileBody,
    PasswordBody,
    Preferences,
    RecoveryCode,
    RecoveryCodes,
    SecondStepBody,
    SessionToken,
    TotpStart,
)


@route(
    "POST",
    "/clients/<client_id>/unlink",
    tag="portal",
    responses={
        204: ("the portal account, sessions and devices are gone", None),
        409: ("not_invited: the client has no portal account", None),
    },
)
def unlink(call, client_id):
    """Staff: the office keeps its records; inviting again later works."""
    call.services.dossier.unlink_client(client_id)
    return json_response(204)


@route(
    "POST",
    "/clients/<client_id>/look-along",
    tag="portal",
    responses={
        200: ("a read-only session that sees what the client sees", SessionToken),
        409: ("not_invited: the client has no portal account", None),
    },
)
def look_along(call, client_id):
    """Staff: writes answer 403 read_only_session; the client sees it in /me/audit."""
    return 200, call.services.dossier.look_along(client_id)


@route(
    "GET",
    "/me/accounts",
    query=CompanyQuery,
    tag="portal",
    responses={
        200: ("a company's extra accounts, each with its company_id", ItemList),
        404: ("company_id is not one of the caller's companies", None),
        422: (
            "company_required: the caller manages several companies and named "
            "none (details.companies)",
            None,
        ),
    },
)
def list_accounts(call):
    """Company main account: `company_id` (from GET /me `companies`) may be left out by
    the main account of one company only. By name."""
    return 200, call.services.dossier.list_extra_accounts(
        company_id=call.query["company_id"], **paging(call)
    )


@route(
    "POST",
    "/me/accounts",
    body=ExtraAccountBody,
    tag="portal",
    responses={
        201: ("added and invited (e-mail 1)", ExtraAccount),
        404: ("company_id is not one of the caller's companies", None),
        422: ("company_required | invalid_mobile", None),
    },
)
def add_account(call):
    """Company main account: an extra account, invited like any client account; of
    `company_id`, required when the caller manages several companies."""
    return 201, call.services.dossier.add_extra_account(**call.body)


@route(
    "GET",
    "/me/link-requests",
    query=ListQuery,
    tag="portal",
    responses={200: ("offices that ask to link the caller's existing account", LinkRequestList)},
)
def link_requests(call):
    """Client: an office's invitation redeemed with an account that already existed
    links nothing until its holder accepts here. Oldest first."""
    return 200, call.services.dossier.list_my_link_requests(**paging(call))


@route(
    "POST",
    "/me/link-requests/<client_id>/accept",
    tag="portal",
    responses={
        200: ("linked: the office sees the account from now on", LinkAnswer),
        404: ("not asked of the caller", None),
    },
)
def accept_link(call, client_id):
    return 200, call.services.dossier.answer_link_request(client_id, True)


@route(
    "POST",
    "/me/link-requests/<client_id>/decline",
    tag="portal",
    responses={
        200: ("declined: nothing is linked", LinkAnswer),
        404: ("not asked of the caller", None),
    },
)
def decline_link(call, client_id):
    return 200, call.services.dossier.answer_link_request(client_id, False)


@route(
    "GET",
    "/me/accounts/<account_id>",
    tag="portal",
    responses={200: ("the extra account", ExtraAccount)},
)
def get_account(call, account_id):
    return 200, call.services.dossier.get_extra_account(account_id)


@route(
    "DELETE",
    "/me/accounts/<account_id>",
    tag="portal",
    responses={204: ("removed, with its portal account", None)},
)
def remove_account(call, account_id):
    call.services.dossier.remove_extra_account(account_id)
    return json_response(204)


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


@route(
    "GET",
    "/dossiers/<dossier_id>/audit",
    query=ListQuery,
    tag="audit",
    responses={200: ("[{at, actor, action, object}]", ItemList)},
)
def dossier_audit(call, dossier_id):
    """Staff: who viewed, downloaded, uploaded, reviewed, signed, looked along."""
    return 200, call.services.dossier.dossier_audit(dossier_id, **paging(call))


@route(
    "GET",
    "/me/audit",
    query=ListQuery,
    tag="audit",
    responses={200: ("the client's own data, look-along sessions included", ItemList)},
)
def my_audit(call):
    return 200, call.services.dossier.my_audit(**paging(call))


@route("GET", "/home", tag="portal", responses={200: ("the client's start page counts", Home)})
def home(call):
    """The open actions are counted by the service that owns each kind."""
    mine = call.services.dossier.client_home()  # dossiers, and open questionnaires
    return 200, {
        "dossiers": mine["dossiers"],
        "actions": mine["actions"]
        + call.services.documents.count_client_open_requests()
        + call.services.signing.count_pending_signatures(),
    }


# The client's open work, from each service that owns some, one after the other: open
# questionnaires (dossier), document requests (documents), signatures (signing); each
# paged by its service, oldest first.
ACTION_SOURCES = (
    ("dossier", "client_actions"),
    ("documents", "client_open_requests"),
    ("signing", "pending_signatures"),
)


@route(
    "GET",
    "/actions",
    query=ListQuery,
    tag="portal",
    responses={
        200: (
            "open work for the client: questionnaires, then document "
            "requests, then signatures, each oldest first",
            ItemList,
        )
    },
)
def actions(call):
    """A page of the sources in turn: the cursor is `<source>:<that service's cursor>`
    (signed by that service, which refuses an edited one); the gateway only chains."""
    first, cursor = _actions_cursor(call.query.get("cursor"))
    limit, items = call.query["limit"], []
    for part in range(first, len(ACTION_SOURCES)):
        room = limit - len(items)
        found = _action_source(call, part)(limit=max(room, 1), cursor=cursor)
        if room == 0:  # the page is full: is there more?
            if found["items"]:
                return 200, {"items": items, "next_cursor": f"{part}:"}
            continue
        items += found["items"]
        if found["next_cursor"]:
            return 200, {"items": items, "next_cursor": f"{part}:{found['next_cursor']}"}
        cursor = None
    return 200, {"items": items, "next_cursor": None}


def _action_source(call, part):
    service, method = ACTION_SOURCES[part]
    return getattr(getattr(call.services, service), method)


def _actions_cursor(text):
    """-> (the source to start at, its service's cursor or None)."""
    if not text:
        return 0, None
    part, colon, cursor = text.partition(":")
    if not colon or part not in {str(n) for n in range(len(ACTION_SOURCES))}:
        raise ValidationFailed(BAD_CURSOR)
    return int(part), cursor or None


@route(
    "GET",
    "/me/notification-preferences",
    tag="portal",
    responses={200: ("news by e-mail, per topic (default all true)", Preferences)},
)
def get_preferences(call):
    return 200, call.services.notify.get_my_preferences()


@route(
    "PUT",
    "/me/notification-preferences",
    body=Preferences,
    tag="portal",
    changes_access=False,
    responses={200: ("the preferences now", Preferences)},
)
def put_preferences(call):
    """Security messages (codes, resets, lockouts, activation) are always sent."""
    return 200, call.services.notify.set_my_preferences(call.body)
