"""gateway: the only HTTP service. One catch-all entrypoint hands every API request
(`/api/...`) to the `Dispatcher` (gateway/http.py), which routes it to a function in
gateway/routes/; every other path is the web portal's static files (gateway/portal.py)."""
from nameko.extensions import DependencyProvider
from nameko.web.handlers import http

from services.common.rpc import TimedRpcProxy
from services.common.settings import env_int

from . import portal, routes  # noqa: F401  (registers every route)
from .errors import register_remote_errors
from .http import ROUTES, Dispatcher

METHODS = "GET,HEAD,POST,PUT,PATCH,DELETE,OPTIONS"
RPC_TIMEOUT_S = env_int("RPC_TIMEOUT_S", 10)

register_remote_errors()
dispatcher = Dispatcher(ROUTES)


class WorkerContext(DependencyProvider):
    def get_dependency(self, worker_ctx):
        return worker_ctx


class GatewayService:
    name = "gateway"

    identity = TimedRpcProxy("identity", timeout=RPC_TIMEOUT_S)
    dossier = TimedRpcProxy("dossier", timeout=RPC_TIMEOUT_S)
    documents = TimedRpcProxy("documents", timeout=RPC_TIMEOUT_S)
    notify = TimedRpcProxy("notify", timeout=RPC_TIMEOUT_S)
    signing = TimedRpcProxy("signing", timeout=RPC_TIMEOUT_S)
    worker_ctx = WorkerContext()

    @http(METHODS, "/")
    def serve_root(self, request):
        return portal.serve(request)

    @http(METHODS, "/<path:path>")
    def serve(self, request, path):
        if portal.is_portal_path(request.path):
            return portal.serve(request)
        return dispatcher.dispatch(request, self, self.worker_ctx)
