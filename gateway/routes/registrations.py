"""App registration (device binding) and its approval (identity)."""

from ..http import json_response, paging, route
from ..schemas import (
    CodeBody,
    IdentifyBody,
    ItemList,
    ListQuery,
    RegistrationBody,
    RegistrationStep,
    RejectBody,
    SessionToken,
    SignatureBody,
)
from ..schemas import Registration as RegistrationOut


@route(
    "POST",
    "/registrations",
    auth=False,
    body=RegistrationBody,
    tag="registrations",
    responses={
        201: ("started, with the placeholder name", RegistrationOut),
        426: ("client_version_unsupported", None),
        429: ("rate_limited: too many from this address", None),
    },
)
def start(call):
    """The app starts a registration for its device key."""
    return 201, call.services.identity.start_registration(
        call.body["device"], source_ip=call.source_ip
    )


@route(
    "POST",
    "/registrations/<registration_id>/identify",
    auth=False,
    body=IdentifyBody,
    tag="registrations",
    responses={
        200: ("a code was sent", RegistrationStep),
        422: ("unknown_combination, details.attempts_left", None),
        423: ("registration_locked", None),
        429: ("rate_limited: misses from this address (or, for seconds, on this partner ID)", None),
    },
)
def identify(call, registration_id):
    """Partner ID plus exactly the recorded e-mail or mobile of a staff member."""
    offices = call.services.dossier.lookup_offices(partner_id=call.body["partner_id"])
    return 200, call.services.identity.identify_registration(
        registration_id,
        offices[0] if offices else None,
        call.body["partner_id"],
        email=call.body.get("email"),
        mobile=call.body.get("mobile"),
        source_ip=call.source_ip,
    )


@route(
    "POST",
    "/registrations/<registration_id>/verify",
    auth=False,
    body=CodeBody,
    tag="registrations",
    responses={
        200: ("awaiting approval", RegistrationStep),
        422: ("invalid_code", None),
        409: ("wrong_state: not identified yet, or already verified", None),
        423: ("registration_locked: five wrong codes; start again", None),
    },
)
def verify(call, registration_id):
    return 200, call.services.identity.verify_registration(registration_id, call.body["code"])


@route(
    "GET",
    "/registrations/<registration_id>",
    auth=False,
    tag="registrations",
    responses={200: ("its state; the challenge once approved", RegistrationOut)},
)
def describe(call, registration_id):
    return 200, call.services.identity.describe_registration(registration_id)


@route(
    "DELETE",
    "/registrations/<registration_id>",
    auth=False,
    tag="registrations",
    responses={204: ("the unfinished placeholder is gone", None)},
)
def delete(call, registration_id):
    call.services.identity.delete_registration(registration_id)
    return json_response(204)


@route(
    "POST",
    "/registrations/<registration_id>/complete",
    auth=False,
    body=SignatureBody,
    tag="registrations",
    responses={
        200: ("bound and signed in: {device_id, token, ...}", SessionToken),
        401: ("invalid_signature", None),
        409: ("wrong_state: not approved (yet)", None),
    },
)
def complete(call, registration_id):
    """The device signs the challenge; office access works on the very next request."""
    return 200, call.services.identity.complete_registration(
        registration_id,
        call.body["signature"],
        source_ip=call.source_ip,
        user_agent=call.user_agent,
    )


@route(
    "GET",
    "/offices/<office_id>/registration-requests",
    query=ListQuery,
    tag="registrations",
    responses={200: ("what the caller may approve", ItemList)},
)
def requests(call, office_id):
    """The approver's queue, oldest first."""
    return 200, call.services.identity.list_registration_requests(office_id, **paging(call))


@route(
    "POST",
    "/registrations/<registration_id>/approve",
    tag="registrations",
    responses={
        204: ("approved; the person is mailed", None),
        403: ("the caller may not approve this role", None),
    },
)
def approve(call, registration_id):
    call.services.identity.decide_registration(registration_id, True)
    return json_response(204)


@route(
    "POST",
    "/registrations/<registration_id>/reject",
    body=RejectBody,
    tag="registrations",
    responses={204: ("rejected; the person is mailed", None)},
)
def reject(call, registration_id):
    call.services.identity.decide_registration(registration_id, False, call.body["reason"])
    return json_response(204)
