"""The caller's own profile, active office and devices."""

from .. import office_facts
from ..http import json_response, paging, route
from ..schemas import ActiveOfficeBody, ItemList, ListQuery, Me, MePatch


def profile(call, me):
    """identity's profile, with each office's name and city from dossier (kept in the
    gateway: office_facts.py); for a look-along session, the office that is looking
    along (the portal's banner)."""
    looking = call.principal.scope_office_id if call.principal.looked_along_by else None
    ids = [office["id"] for office in me["offices"]] + ([looking] if looking else [])
    facts = office_facts.lookup(call.services.dossier, ids)
    me["offices"] = [
        {
            "id": o["id"],
            "name": facts.get(o["id"], {}).get("name"),
            "city": facts.get(o["id"], {}).get("city"),
            "role": o["role"],
        }
        for o in me["offices"]
    ]
    if me["kind"] == "client":
        me["companies"] = call.services.dossier.list_my_companies()
    me["read_only"] = bool(call.principal.read_only)
    me["look_along"] = (
        {"office_id": looking, "office_name": facts.get(looking, {}).get("name")}
        if looking
        else None
    )
    return me


@route("GET", "/me", tag="me", responses={200: ("the caller's profile", Me)})
def get_me(call):
    """The caller's profile: offices with roles, and the active office."""
    return 200, profile(call, call.services.identity.describe_me())


@route("PATCH", "/me", body=MePatch, tag="me", responses={200: ("the updated profile", Me)})
def patch_me(call):
    """Language (nl, en) drives the caller's e-mails and error messages. A new language
    ends the account's other sessions (security mail must stay readable to its owner);
    the caller's own session stays."""
    return 200, profile(call, call.services.identity.update_me(**call.body))


@route(
    "PUT",
    "/me/active-office",
    body=ActiveOfficeBody,
    tag="me",
    responses={200: ("the updated profile", Me), 404: ("not one of the caller's offices", None)},
)
def put_active_office(call):
    """Staff: the office they work in now; remembered across sign-ins."""
    return 200, profile(call, call.services.identity.set_active_office(call.body["office_id"]))


@route(
    "GET",
    "/me/devices",
    query=ListQuery,
    tag="me",
    responses={200: ("the caller's bound devices", ItemList)},
)
def list_devices(call):
    """Oldest first."""
    return 200, call.services.identity.list_my_devices(**paging(call))


@route(
    "DELETE",
    "/me/devices/<device_id>",
    tag="me",
    responses={204: ("unbound; its sessions ended", None)},
)
def unbind_device(call, device_id):
    """Unbinds one of the caller's devices; a new phone registers anew."""
    call.services.identity.unbind_my_device(device_id)
    return json_response(204)
