"""GET /health, GET /health/live, GET /limits, GET /openapi.json and GET /docs."""

import time

import eventlet
from eventlet.event import Event

from services.common.errors import KluisError
from services.documents.inspection import ACCEPTED_EXTENSIONS, EXTENSIONS
from services.documents.uploads import MAX_OPEN_UPLOADS

from .. import portal
from ..http import json_response, route
from ..schemas import HTML_PAGE, Health, Limits, Live, MessageBody, OpenApi
from ..settings import SETTINGS

SERVICES = ("identity", "dossier", "documents", "notify", "signing")


class HealthCache:
    """The last round of health RPCs, kept for `HEALTH_CACHE_S` seconds, so that a flood
    of probes (load balancers, monitors) costs one round per interval. A probe that
    finds a round in flight waits for that round instead of starting its own."""

    def __init__(self):
        self.answer, self.asked_at, self.round = None, None, None

    def get(self, max_age_s, ask):
        fresh = self.asked_at is not None and time.monotonic() - self.asked_at < max_age_s
        if fresh:
            return self.answer
        if self.round is not None:
            return self.round.wait()
        self.round = round_ = Event()
        try:
            self.answer, self.asked_at = ask(), time.monotonic()
        finally:
            self.round = None
            round_.send(self.answer)
        return self.answer


_health = HealthCache()


def ask_services(services):
    """{service: "ok" | "timeout" | "unavailable" | "error"}, asked at the same time."""

    def ask(name):
        try:
            getattr(services, name).health(timeout=3)
            return name, "ok"
        except KluisError as error:
            return name, "timeout" if error.code == "service_timeout" else "unavailable"
        except Exception:
            return name, "error"

    return dict(eventlet.GreenPool(len(SERVICES)).imap(ask, SERVICES))


@route(
    "GET",
    "/health",
    auth=False,
    tag="system",
    responses={
        200: ("every service answers", Health),
        503: ("some service does not answer", Health),
    },
)
def health(call):
    """Health of every service (readiness), at most HEALTH_CACHE_S seconds old."""
    states = _health.get(call.services.settings.health_cache_s, lambda: ask_services(call.services))
    healthy = all(state == "ok" for state in states.values())
    return (200 if healthy else 503), {
        "status": "ok" if healthy else "unavailable",
        "services": dict(states),
    }


@route("GET", "/openapi.json", auth=False, tag="system", responses={200: ("OpenAPI 3", OpenApi)})
def openapi(call):
    """This API's OpenAPI 3 document, generated from the routes and their schemas."""
    from ..openapi import openapi_document

    return json_response(200, openapi_document())


@route(
    "GET",
    "/docs",
    auth=False,
    tag="system",
    responses={
        200: ("the API reference, an HTML page", HTML_PAGE),
        503: ("the portal was not built: a page that says so", HTML_PAGE),
    },
)
def docs(call):
    """This API's reference for people: Swagger UI over /api/v1/openapi.json, served
    from the portal's build with the portal's Content-Security-Policy."""
    return portal.api_reference(call.request)


@route(
    "GET",
    "/health/live",
    auth=False,
    tag="system",
    responses={200: ("the gateway answers (no service is asked)", Live)},
)
def live(call):
    return 200, {"status": "ok"}


@route(
    "GET",
    "/limits",
    auth=False,
    tag="system",
    responses={200: ("what the API accepts, for checks before sending", Limits)},
)
def limits(call):
    """The limits that a client can check before it sends anything: the largest upload,
    the file types (by content; these extensions), uploads at once per account, and the
    lengths of a message."""
    extensions = sorted(
        {e for ext in EXTENSIONS.values() for e in ACCEPTED_EXTENSIONS.get(ext, {ext})}
    )
    fields = MessageBody().fields
    return 200, {
        "max_upload_bytes": SETTINGS.max_upload_bytes,
        "upload_content_types": sorted(EXTENSIONS),
        "upload_extensions": extensions,
        "uploads_in_flight": MAX_OPEN_UPLOADS,
        "message_subject_max": fields["subject"].validators[0].max,
        "message_body_max": fields["body"].validators[0].max,
    }
