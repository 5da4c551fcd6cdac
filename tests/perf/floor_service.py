"""The bare nameko floor for benchmarks: one @http handler that makes one RPC to a
service that does nothing. What any request through nameko costs on this machine at
that moment, without Kluis's own work."""
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
