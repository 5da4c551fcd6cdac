"""GET /health and GET /openapi.json."""
import eventlet

from services.common.errors import KluisError

from ..http import json_response, route
from ..schemas import Health

SERVICES = ("identity", "dossier", "documents", "notify", "signing")


@route("GET", "/health", auth=False, tag="system",
       responses={200: ("every service answers", Health),
                  503: ("some service does not answer", Health)})
def health(call):
    """Health of every service, asked over RPC at the same time."""
    def ask(name):
        try:
            getattr(call.services, name).health(timeout=3)
            return name, "ok"
        except KluisError as error:
            return name, "timeout" if error.code == "service_timeout" else "unavailable"
        except Exception:
            return name, "error"

    pool = eventlet.GreenPool(len(SERVICES))
    states = dict(pool.imap(ask, SERVICES))
    healthy = all(state == "ok" for state in states.values())
    return (200 if healthy else 503), {"status": "ok" if healthy else "unavailable",
                                       "services": states}


@route("GET", "/openapi.json", auth=False, tag="system", responses={200: ("OpenAPI 3", None)})
def openapi(call):
    """This API's OpenAPI 3 document, generated from the routes and their schemas."""
    from ..openapi import openapi_document
    return json_response(200, openapi_document())
