"""The client's portal account as the office and the client see it: unlink, look-along,
extra accounts of a company, link requests, and the audit trail."""

from ..http import json_response, paging, route
from ..schemas import (
    CompanyQuery,
    ExtraAccount,
    ExtraAccountBody,
    ItemList,
    LinkAnswer,
    LinkRequestList,
    ListQuery,
    SessionToken,
    page_of,
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
        200: ("a company's extra accounts, each with its company_id", page_of(ExtraAccount)),
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
