"""The bare nameko floor for benchmarks: what any request through nameko costs on this
machine at that moment, without Kluis's own work. GET /floor makes one RPC to a service
that does nothing (the floor of an API call); GET /floor/bare makes none (the floor of
eventlet's HTTP server alone). tests/perf/bench_system.py:start_floor runs both
services."""

from nameko.rpc import RpcProxy, rpc
from nameko.web.handlers import http


class FloorRpc:
    name = "floor_rpc"

    @rpc
    def ping(self):
        return "pong"


class FloorHttp:
    name = "floor_http"
    floor_rpc = RpcProxy("floor_rpc")

    @http("GET", "/floor")
    def floor(self, request):
        return self.floor_rpc.ping()

    @http("GET", "/floor/bare")
    def bare(self, request):
        return "ok"
