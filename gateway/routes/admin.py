"""The operator's views (admin only; each service checks that itself)."""

from services.common.errors import NotFound

from ..http import json_response, paging, route
from ..schemas import Empty, ItemList, ListQuery, NotificationQuery
from .system import SERVICES


@route(
    "GET",
    "/admin/login-attempts",
    query=ListQuery,
    tag="admin",
    responses={200: ("newest first, with time and source address", ItemList)},
)
def login_attempts(call):
    return 200, call.services.identity.list_login_attempts(**paging(call))


@route(
    "GET",
    "/admin/notifications",
    query=NotificationQuery,
    tag="admin",
    responses={200: ("the delivery log, newest first", ItemList)},
)
def notifications(call):
    return 200, call.services.notify.list_notifications(
        status=call.query.get("status"), **paging(call)
    )


@route(
    "GET",
    "/admin/parked-messages/<service>",
    query=ListQuery,
    tag="admin",
    responses={200: ("events or commands whose handling kept failing, oldest first", ItemList)},
)
def parked(call, service):
    return 200, _service(call, service).list_parked_messages(**paging(call))


@route(
    "POST",
    "/admin/parked-messages/<service>/<message_id>/replay",
    tag="admin",
    responses={202: ("handled again now", Empty)},
)
def replay(call, service, message_id):
    _service(call, service).replay_parked_message(message_id)
    return json_response(202)


def _service(call, name):
    if name not in SERVICES:
        raise NotFound()
    return getattr(call.services, name)
