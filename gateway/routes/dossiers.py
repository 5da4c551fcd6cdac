"""Dossiers (dossier)."""
from ..http import paging, route
from ..schemas import DossierBody, DossierOut, DossierPatch, DossierQuery, ItemList

EMPTY_TABS = {"documents": {"total": 0, "unread": 0}, "correspondence": {"total": 0, "unread": 0},
              "delivered_by_me": {"total": 0}}
NO_MESSAGES = {"total": 0, "unread": 0}


@route("POST", "/clients/<client_id>/dossiers", body=DossierBody, tag="dossiers",
       changes_access=False,
       responses={201: ("opened", DossierOut), 409: ("dossier_number_taken", None)})
def create_dossier(call, client_id):
    return 201, call.services.dossier.create_dossier(client_id, **call.body)


@route("GET", "/dossiers", query=DossierQuery, tag="dossiers",
       responses={200: ("client: own; staff: those of visible clients", ItemList)})
def list_dossiers(call):
    """`q` searches number and description; `status` in_progress (default), closed, all."""
    listed = call.services.dossier.list_dossiers(
        q=call.query.get("q"), status=call.query["status"], **paging(call))
    counts = call.services.documents.document_counts([d["id"] for d in listed["items"]])
    for dossier in listed["items"]:
        tabs = counts.get(dossier["id"]) or EMPTY_TABS
        messages = dossier.pop("message_counts", None) or NO_MESSAGES
        dossier["unread"] = {"documents": tabs["documents"]["unread"],
                             "correspondence": tabs["correspondence"]["unread"],
                             "messages": messages["unread"]}
    return 200, listed


@route("GET", "/dossiers/<dossier_id>", tag="dossiers", responses={200: ("", DossierOut)})
def get_dossier(call, dossier_id):
    """With `tabs`: totals and what the caller has not read yet, per tab (documents
    from documents; messages, from the caller's side, from dossier)."""
    dossier = call.services.dossier.get_dossier(dossier_id)
    tabs = call.services.documents.document_counts([dossier_id]).get(dossier_id) or EMPTY_TABS
    dossier["tabs"] = {**tabs, "messages": dossier.pop("message_counts", None) or NO_MESSAGES}
    return 200, dossier


@route("PATCH", "/dossiers/<dossier_id>", changes_access=False, body=DossierPatch, tag="dossiers",
       responses={200: ("updated", DossierOut)})
def patch_dossier(call, dossier_id):
    return 200, call.services.dossier.update_dossier(dossier_id, call.body)
