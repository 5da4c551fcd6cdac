"""gateway: the only HTTP service. One catch-all entrypoint hands every API request
(`/api/...`) to the `Dispatcher` (gateway/dispatch.py), which routes it to a function in
gateway/routes/; every other path is the web portal's static files (gateway/portal.py)."""

import time
import uuid

from nameko.events import BROADCAST, event_handler
from nameko.extensions import DependencyProvider
from werkzeug.wrappers import Request

from services.common import metrics
from services.common.logs import REQUEST_ID_KEY, set_request_id
from services.common.rpc import TimedRpcProxy
from services.common.settings_dependency import Settings
from services.common.telemetry import Telemetry
from services.common.web_server import GuardedHttp, GuardedWebServer
from services.documents.client import BlobTransfer
from services.signing.client import VerifyTransfer

from . import portal, principals, routes  # noqa: F401  (registers every route)
from .dispatch import Dispatcher, request_id_of
from .errors import register_remote_errors
from .http import LANGUAGES, ROUTES
from .settings import SETTINGS, GatewayConfig

METHODS = "GET,HEAD,POST,PUT,PATCH,DELETE,OPTIONS"

register_remote_errors()
dispatcher = Dispatcher(ROUTES)


class WorkerContext(DependencyProvider):
    def get_dependency(self, worker_ctx):
        return worker_ctx


def serve_portal(request):
    """The portal's static files, counted in the metrics under the route "portal"."""
    started = time.perf_counter()
    response = portal.serve(request)
    metrics.observe_http(
        request.method, "portal", response.status_code, time.perf_counter() - started
    )
    return response


class GatewayWebServer(GuardedWebServer):
    """The hardened server (services/common/web_server.py), refusing in docs/api.md's error
    body and the caller's language."""

    def refusal(self, error, environ):
        language = "nl"
        if environ is not None:
            language = Request(environ).accept_languages.best_match(LANGUAGES, default="nl")
        response = Dispatcher.error_response(error, language, uuid.uuid4().hex)
        response.headers["Cache-Control"] = "no-store"
        return response

    def context_data_from_headers(self, request):
        """The request's id (its X-Request-ID when it looks like one, else a new one) for
        the worker's context, so every RPC call carries it; and on this connection's
        green thread, where the access log line is written."""
        request_id = request_id_of(request)
        set_request_id(request_id)
        return {REQUEST_ID_KEY: request_id}


class GatewayHttp(GuardedHttp):
    server = GatewayWebServer()


http = GatewayHttp.decorator


def on_invalidating_events(method):
    """Makes `method` a broadcast handler of each of principals.INVALIDATING_EVENTS:
    every gateway instance gets the event, not one of them."""
    for source, declaration in principals.INVALIDATING_EVENTS:
        method = event_handler(
            source, declaration.event_type, handler_type=BROADCAST, reliable_delivery=False
        )(method)
    return method


class GatewayService:
    name = "gateway"

    identity = TimedRpcProxy("identity", timeout=SETTINGS.rpc_timeout_s)
    dossier = TimedRpcProxy("dossier", timeout=SETTINGS.rpc_timeout_s)
    documents = TimedRpcProxy("documents", timeout=SETTINGS.rpc_timeout_s)
    notify = TimedRpcProxy("notify", timeout=SETTINGS.rpc_timeout_s)
    signing = TimedRpcProxy("signing", timeout=SETTINGS.rpc_timeout_s)
    blobs = BlobTransfer()  # file bytes to and from documents's blob endpoint
    verifier = VerifyTransfer()  # files to check to signing's verify endpoint
    worker_ctx = WorkerContext()
    telemetry = Telemetry()
    settings = Settings(GatewayConfig)  # gateway/settings.py

    @http(METHODS, "/")
    def serve_root(self, request):
        return serve_portal(request)

    @http(METHODS, "/<path:path>")
    def serve(self, request, path):
        if portal.is_portal_path(request.path):
            return serve_portal(request)
        return dispatcher.dispatch(request, self, self.worker_ctx)

    # Each gateway instance has a queue of its own for each of these events (exclusive,
    # deleted when it stops: a restarted gateway starts with an empty cache anyway).
    @on_invalidating_events
    def forget_principals(self, event):
        """Who may do what changed: the cached principals it names go (principals.py)."""
        principals.forget(event)
