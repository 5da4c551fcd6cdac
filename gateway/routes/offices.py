"""Offices (dossier) and their staff (identity)."""

from services.common.errors import NotFound

from .. import office_facts
from ..http import json_response, paging, route
from ..schemas import (
    ItemList,
    ListQuery,
    OfficeBody,
    OfficeOut,
    StaffBody,
    StaffLinkConfirmBody,
    StaffLinkConfirmed,
    StaffMember,
    StaffPatch,
)


@route(
    "POST",
    "/offices",
    body=OfficeBody,
    tag="offices",
    responses={201: ("created", OfficeOut), 409: ("partner_id_taken", None)},
)
def create_office(call):
    """Admin: an office, identified by its distribution-partner ID."""
    return 201, call.services.dossier.create_office(**call.body)


@route("GET", "/offices", query=ListQuery, tag="offices", responses={200: ("offices", ItemList)})
def list_offices(call):
    """Admin: every office; staff: their own, with their role. By name."""
    found = call.services.dossier.list_offices(**paging(call))
    for office in found["items"]:
        if office["id"] in call.principal.offices:
            office["role"] = call.principal.offices[office["id"]]
    return 200, found


def _office(call, office_id):
    """The office's public facts (dossier's, kept in the gateway: office_facts.py): {id,
    partner_id, name, city}; else NotFound."""
    found = office_facts.lookup(call.services.dossier, [office_id])
    if office_id not in found:
        raise NotFound()
    return found[office_id]


@route(
    "POST",
    "/offices/<office_id>/staff",
    body=StaffBody,
    tag="offices",
    responses={
        201: ("recorded, linked, or asked (then it reads as for a new person)", StaffMember),
        409: ("already_member | email_in_use", None),
        422: ("role_address_not_allowed | invalid_mobile", None),
    },
)
def add_staff(call, office_id):
    """Admin (owners only), owner, staff_manager: record a person as staff of the office;
    an existing person with the same e-mail is linked, not duplicated, when the caller is
    the admin or manages them at an office where they work. Anyone else's request is
    mailed to the person to confirm (POST /staff-links/confirm); until then the answer
    and the staff list show only what the caller typed. The person is told by e-mail
    which office added them, its partner ID and how to register the app."""
    office = _office(call, office_id)
    return 201, call.services.identity.add_staff(office_id, office=office, **call.body)


@route(
    "POST",
    "/staff-links/confirm",
    auth=False,
    body=StaffLinkConfirmBody,
    tag="offices",
    responses={
        200: ("linked: the person works for that office too", StaffLinkConfirmed),
        400: ("invalid_token", None),
        410: ("token_expired | token_used", None),
    },
)
def confirm_staff_link(call):
    """The person confirms, with the token from the e-mail, that they work for the
    office that asked to add them; they are linked and told so by e-mail."""
    return 200, call.services.identity.confirm_staff_link(call.body["token"])


@route(
    "GET",
    "/offices/<office_id>/staff",
    query=ListQuery,
    tag="offices",
    responses={200: ("with roles and registration state", ItemList)},
)
def list_staff(call, office_id):
    """Owner, staff_manager (and the admin): members by name, then the people asked to
    link who have not confirmed yet."""
    return 200, call.services.identity.list_staff(office_id, **paging(call))


@route(
    "PATCH",
    "/offices/<office_id>/staff/<person_id>",
    body=StaffPatch,
    tag="offices",
    responses={200: ("the new role", StaffMember), 409: ("last_owner", None)},
)
def change_role(call, office_id, person_id):
    """Owner, staff_manager: not above their own role."""
    return 200, call.services.identity.change_staff_role(office_id, person_id, call.body["role"])


@route(
    "DELETE",
    "/offices/<office_id>/staff/<person_id>",
    tag="offices",
    responses={204: ("unlinked: their access to this office ends at once", None)},
)
def remove_staff(call, office_id, person_id):
    call.services.identity.remove_staff(office_id, person_id)
    return json_response(204)


@route(
    "GET",
    "/offices/<office_id>/audit",
    query=ListQuery,
    tag="offices",
    responses={200: ("registrations, approvals, role changes and removals", ItemList)},
)
def office_audit(call, office_id):
    """Owner, staff_manager (and the admin): who did what, when; newest first."""
    return 200, call.services.identity.list_office_audit(office_id, **paging(call))
