"""The operator's views (admin only; each service checks that itself)."""
from services.common.errors import NotFound

from ..http import json_response, page, route
from ..schemas import ItemList, ListQuery, NotificationQuery
from .system import SERVICES


@route("GET", "/admin/login-attempts", query=ListQuery, tag="admin",
       responses={200: ("newest first, with time and source address", ItemList)})
def login_attempts(call):
    items = call.services.identity.list_login_attempts(limit=500)
    return 200, page(call, items)


@route("GET", "/admin/notifications", query=NotificationQuery, tag="admin",
       responses={200: ("the delivery log, newest first", ItemList)})
def notifications(call):
    items = call.services.notify.list_notifications(status=call.query.get("status"), limit=500)
    return 200, page(call, items)


@route("GET", "/admin/parked-messages/<service>", query=ListQuery, tag="admin",
       responses={200: ("events or commands whose handling kept failing", ItemList)})
def parked(call, service):
    return 200, page(call, _service(call, service).list_parked_messages())


@route("POST", "/admin/parked-messages/<service>/<message_id>/replay", tag="admin",
       responses={202: ("handled again now", None)})
def replay(call, service, message_id):
    _service(call, service).replay_parked_message(message_id)
    return json_response(202)


def _service(call, name):
    if name not in SERVICES:
        raise NotFound()
    return getattr(call.services, name)
