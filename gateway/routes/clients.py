"""Clients and their consent, invitation and activation (dossier, identity)."""

from ..http import json_response, paging, route
from ..schemas import (
    ActivationBody,
    ActivationCompleteBody,
    ApplicationBody,
    ApplicationOut,
    ApplicationPatch,
    ApplicationQuery,
    ClientBody,
    ClientOut,
    ClientPatch,
    ClientQuery,
    Consent,
    ConsentBody,
    Empty,
    Invitation,
    ItemList,
    ListQuery,
    ProductBody,
    ProductOut,
    SessionToken,
    page_of,
)


@route(
    "POST",
    "/offices/<office_id>/clients",
    body=ClientBody,
    tag="clients",
    responses={
        201: ("created", ClientOut),
        409: ("client_exists", None),
        422: ("invalid_mobile | role_address_not_allowed", None),
    },
)
def create_client(call, office_id):
    """Admin or staff of the office: a person or a company."""
    return 201, call.services.dossier.create_client(office_id, **call.body)


@route(
    "GET",
    "/clients",
    query=ClientQuery,
    tag="clients",
    responses={200: ("consenting clients of all the caller's offices", page_of(ClientOut))},
)
def list_clients(call):
    """Staff: search by name or e-mail (`q`); each client carries its office_id."""
    return 200, call.services.dossier.list_clients(q=call.query.get("q"), **paging(call))


@route("GET", "/clients/<client_id>", tag="clients", responses={200: ("the client", ClientOut)})
def get_client(call, client_id):
    return 200, call.services.dossier.get_client(client_id)


@route(
    "PATCH",
    "/clients/<client_id>",
    body=ClientPatch,
    tag="clients",
    responses={
        200: ("updated", ClientOut),
        409: ("contact_locked | client_exists (another client of the office has it)", None),
        422: ("invalid_mobile", None),
    },
)
def patch_client(call, client_id):
    """E-mail and mobile are locked once the invitation was accepted; before that, a
    change of either voids the open invitation (status not_invited: invite again) and
    ends the sessions of a portal account prepared for the old contact."""
    return 200, call.services.dossier.update_client(client_id, call.body)


@route(
    "GET",
    "/me/consents",
    query=ListQuery,
    tag="clients",
    responses={200: ("[{office_id, office_name, shared}]", ItemList)},
)
def my_consents(call):
    """By the office's name."""
    return 200, call.services.dossier.list_my_consents(**paging(call))


@route(
    "PUT",
    "/me/consents/<office_id>",
    body=ConsentBody,
    tag="clients",
    responses={200: ("takes effect at once for every staff member", Consent)},
)
def set_consent(call, office_id):
    return 200, call.services.dossier.set_my_consent(office_id, call.body["shared"])


@route(
    "POST",
    "/clients/<client_id>/invitation",
    tag="clients",
    responses={202: ("e-mail 1 with the activation link", Invitation)},
)
def invite(call, client_id):
    return json_response(202, call.services.dossier.invite_client(client_id))


@route(
    "POST",
    "/clients/<client_id>/invitation/resend",
    tag="clients",
    responses={
        202: ("a fresh link; the old one stops working", Invitation),
        409: ("invitation_already_accepted", None),
    },
)
def resend(call, client_id):
    return json_response(202, call.services.dossier.invite_client(client_id))


@route(
    "GET",
    "/clients/<client_id>/invitation",
    tag="clients",
    responses={
        200: (
            "not_invited | sent | accepted; confirmation_pending while an "
            "existing account's holder has not accepted",
            Invitation,
        )
    },
)
def invitation(call, client_id):
    return 200, call.services.dossier.get_invitation(client_id)


@route(
    "POST",
    "/activation",
    auth=False,
    body=ActivationBody,
    tag="clients",
    responses={
        202: ("e-mail 2 with a set-password link (and an SMS code)", Empty),
        400: ("invalid_token", None),
        410: ("token_expired", None),
    },
)
def activation(call):
    """Anyone: the token from e-mail 1 and the address it was sent to (a change of the
    client's contact since voids it). An account that already exists is not linked
    yet: its holder gets an e-mail and accepts in the portal (/me/link-requests)."""
    call.services.dossier.start_activation(call.body["token"], call.body["email"])
    return json_response(202)


@route(
    "POST",
    "/activation/complete",
    auth=False,
    body=ActivationCompleteBody,
    tag="clients",
    responses={
        200: ("signed in", SessionToken),
        400: ("invalid_token", None),
        422: ("weak_password | invalid_code", None),
        410: ("token_expired | token_used", None),
    },
)
def complete_activation(call):
    """The token from e-mail 2, a password, and the SMS code when one was sent."""
    return 200, call.services.identity.complete_activation(
        call.body["token"],
        call.body["password"],
        sms_code=call.body.get("sms_code"),
        source_ip=call.source_ip,
        user_agent=call.user_agent,
    )


@route(
    "POST",
    "/clients/<client_id>/products",
    body=ProductBody,
    tag="clients",
    changes_access=False,
    responses={201: ("added", ProductOut), 410: ("client_erased", None)},
)
def add_product(call, client_id):
    body = dict(call.body)
    if "start_date" in body:
        body["start_date"] = body["start_date"].isoformat()
    return 201, call.services.dossier.add_product(client_id, **body)


@route(
    "GET",
    "/clients/<client_id>/products",
    query=ListQuery,
    tag="clients",
    responses={200: ("the client's products", page_of(ProductOut))},
)
def list_products(call, client_id):
    """Oldest first."""
    return 200, call.services.dossier.list_products(client_id, **paging(call))


@route(
    "POST",
    "/clients/<client_id>/mortgage-applications",
    body=ApplicationBody,
    changes_access=False,
    tag="clients",
    responses={201: ("opened, status running", ApplicationOut)},
)
def open_application(call, client_id):
    """Admin or staff."""
    return 201, call.services.dossier.open_mortgage_application(client_id, **call.body)


@route(
    "PATCH",
    "/mortgage-applications/<application_id>",
    body=ApplicationPatch,
    changes_access=False,
    tag="clients",
    responses={200: ("with its new status", ApplicationOut)},
)
def set_application_status(call, application_id):
    return 200, call.services.dossier.set_mortgage_application_status(
        application_id, call.body["status"]
    )


@route(
    "GET",
    "/mortgage-applications",
    query=ApplicationQuery,
    tag="clients",
    responses={
        200: ("staff: across the caller's offices, consent applied; client: their own", ItemList)
    },
)
def list_applications(call):
    """`status`: running (default), approved, rejected, withdrawn, all. Each item has
    `status`, `updated_at` (when it last changed) and `office_name`. Newest first."""
    return 200, call.services.dossier.list_mortgage_applications(
        status=call.query["status"], **paging(call)
    )


@route(
    "GET",
    "/me/products",
    query=ListQuery,
    tag="clients",
    responses={200: ("the client's own mortgages and life insurances, newest first", ItemList)},
)
def my_products(call):
    """Client: `{kind, provider, number, amount_cents, start_date, office_name}`."""
    return 200, call.services.dossier.list_my_products(**paging(call))
