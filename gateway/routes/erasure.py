"""Erasure and what the law keeps (AVG art. 17 against Wwft art. 33;
services/dossier/retention.py): the client asks for erasure, the office sees the request
and the retention that still holds, and its owner ends the relationship."""

from ..http import route
from ..schemas import MyErasure, Retention


@route(
    "POST",
    "/clients/<client_id>/end-relationship",
    tag="erasure",
    responses={
        200: ("the relationship ended: what is kept, until when, and why", Retention),
        403: ("forbidden: only the office's owner ends a relationship", None),
    },
)
def end_relationship(call, client_id):
    """Owner: the client's portal access ends at once (as unlink) and the retention
    clock starts; afterwards only the owner sees the client. Ending it again changes
    nothing."""
    return 200, call.services.dossier.end_client_relationship(client_id)


@route(
    "GET",
    "/clients/<client_id>/retention",
    tag="erasure",
    responses={200: ("the erasure request, what is kept, until when, and why", Retention)},
)
def client_retention(call, client_id):
    """Staff who see the client; after the end of the relationship its owner alone."""
    return 200, call.services.dossier.client_retention(client_id)


@route(
    "POST",
    "/clients/<client_id>/erasure-request",
    tag="erasure",
    responses={
        200: ("the request is recorded: what is kept, until when, and why", Retention),
        403: ("scope_missing: an office system's API key; a person weighs the request", None),
        410: ("client_erased: the data was erased at the end of retention", None),
    },
)
def record_erasure_request(call, client_id):
    """Staff who see the client (after the end of the relationship its owner alone)
    record a request for erasure that reached the office another way (letter, phone,
    e-mail). It acts as the client's own: if the relationship ended, what no law keeps
    goes now. Recording it again keeps the first time. Not open to API keys (403
    scope_missing): a request for erasure is weighed by a person."""
    return 200, call.services.dossier.record_erasure_request(client_id)


@route(
    "POST",
    "/me/erasure",
    tag="erasure",
    responses={202: ("asked of every office the caller is a client of", MyErasure)},
)
def request_erasure(call):
    """Client: each office sees the request; what the law makes it keep stays until the
    retention after the relationship runs out. Asking again changes nothing."""
    return 202, call.services.dossier.request_erasure()


@route(
    "GET",
    "/me/erasure",
    tag="erasure",
    responses={200: ("the request per office, and what the law keeps", MyErasure)},
)
def my_erasure(call):
    """Client."""
    return 200, call.services.dossier.my_erasure()
