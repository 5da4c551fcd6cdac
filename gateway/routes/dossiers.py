"""Dossiers (dossier)."""

from ..http import paging, route
from ..schemas import DossierBody, DossierOut, DossierPatch, DossierQuery, page_of


@route(
    "POST",
    "/clients/<client_id>/dossiers",
    body=DossierBody,
    tag="dossiers",
    changes_access=False,
    responses={201: ("opened", DossierOut), 409: ("dossier_number_taken", None)},
)
def create_dossier(call, client_id):
    return 201, call.services.dossier.create_dossier(client_id, **call.body)


@route(
    "GET",
    "/dossiers",
    query=DossierQuery,
    tag="dossiers",
    responses={200: ("client: own; staff: those of visible clients", page_of(DossierOut))},
)
def list_dossiers(call):
    """`q` searches number and description; `status` in_progress (default), closed, all.
    Items carry `unread` {documents, correspondence, messages}, in the same answer
    (dossier keeps documents' facts from their events: one RPC)."""
    return 200, call.services.dossier.list_dossiers(
        q=call.query.get("q"), status=call.query["status"], **paging(call)
    )


@route("GET", "/dossiers/<dossier_id>", tag="dossiers", responses={200: ("", DossierOut)})
def get_dossier(call, dossier_id):
    """With `tabs`: totals and what the caller has not read yet, per tab (messages from
    the caller's side), all from dossier in one RPC."""
    return 200, call.services.dossier.get_dossier(dossier_id)


@route(
    "PATCH",
    "/dossiers/<dossier_id>",
    changes_access=False,
    body=DossierPatch,
    tag="dossiers",
    responses={200: ("updated", DossierOut)},
)
def patch_dossier(call, dossier_id):
    return 200, call.services.dossier.update_dossier(dossier_id, call.body)
