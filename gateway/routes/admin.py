"""The operator's views (admin only; each service checks that itself)."""
from services.common.errors import NotFound

from ..http import json_response, route
from ..schemas import ItemList, ListQuery, NotificationQuery
from .system import SERVICES


@route("GET", "/admin/login-attempts", query=ListQuery, tag="admin",
       responses={200: ("newest first, with time and source address", ItemList)})
def login_attempts(call):
    items = call.services.identity.list_login_attempts(limit=call.query["limit"])
    return 200, {"items": items, "next_cursor": None}


@route("GET", "/admin/notifications", query=NotificationQuery, tag="admin",
       responses={200: ("the delivery log, newest first", ItemList)})
def notifications(call):
    items = call.services.notify.list_notifications(status=call.query.get("status"),
                                                    limit=call.query["limit"])
    return 200, {"items": items, "next_cursor": None}


@route("GET", "/admin/parked-messages/<service>", tag="admin",
       responses={200: ("events or commands whose handling kept failing", ItemList)})
def parked(call, service):
    return 200, {"items": _service(call, service).list_parked_messages(), "next_cursor": None}


@route("POST", "/admin/parked-messages/<service>/<message_id>/replay", tag="admin",
       responses={202: ("handled again now", None)})
def replay(call, service, message_id):
    _service(call, service).replay_parked_message(message_id)
    return json_response(202)


def _service(call, name):
    if name not in SERVICES:
        raise NotFound()
    return getattr(call.services, name)
