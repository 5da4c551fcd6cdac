"""The HTTP server of every Kluis `@http` service (the gateway, documents's blob
endpoint), hardened against slow and idle clients.

nameko's WebServer gives eventlet's server no socket timeout and takes a worker of the
service's pool for every request, which then reads the body: 55 requests whose body
dribbles in stopped the gateway (docs/nameko.md "HTTP server timeouts"). Here:
- every socket operation times out after HTTP_BODY_IDLE_TIMEOUT_S (a silent peer);
- the request line and headers must arrive within HTTP_HEADER_TIMEOUT_S of waiting
  for them (also an idle keep-alive connection), else the connection is closed;
- a small body (at most BUFFERED_BODY_BYTES, e.g. any JSON) is read whole within
  HTTP_BODY_TIMEOUT_S *before* a worker is taken, else 408 `request_timeout`;
- a larger or chunked body (an upload) is streamed by the worker; at most
  MAX_UPLOADS_IN_FLIGHT of them at once, beyond that 503 `uploads_busy` + Retry-After;
- at most HTTP_MAX_CONNECTIONS_PER_ADDRESS open connections per peer address, beyond
  that 429 `too_many_connections` + Retry-After (0: no cap; behind a reverse proxy every
  connection comes from the proxy, so raise it or let the proxy cap);
- X-Forwarded-For is believed only from a peer listed in TRUSTED_PROXIES.
Each setting comes from the service's config.yaml (`${NAME:default}`), read once
(`HttpSettings`); what happens on a connection is web_protocol.py.

Several processes can listen on one address (KLUIS_SCALE=gateway=2): nameko opens the
socket with eventlet.listen, which sets SO_REUSEPORT, and the kernel spreads new
connections over them (tests/e2e/test_replicas.py)."""

import json
import logging
from collections import Counter
from dataclasses import dataclass
from functools import partial

import eventlet
import eventlet.wsgi
from eventlet.event import Event
from eventlet.greenpool import GreenPool
from nameko.containers import WorkerContext
from nameko.web.handlers import HttpRequestHandler
from nameko.web.server import WebServer
from werkzeug.routing import Map, PathConverter
from werkzeug.wrappers import Response

from . import metrics
from .logs import REQUEST_ID_KEY, current_request_id, set_request_id
from .settings import read_settings, setting
from .web_protocol import (
    RETRY_AFTER_S,
    GuardedProtocol,
    Slots,
    TooManyConnections,
    linger,
    raw_response,
)

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class HttpSettings:
    header_timeout_s: float = setting("HTTP_HEADER_TIMEOUT_S", 10.0)
    body_idle_timeout_s: float = setting("HTTP_BODY_IDLE_TIMEOUT_S", 30.0)
    body_timeout_s: float = setting("HTTP_BODY_TIMEOUT_S", 30.0)
    per_address: int = setting("HTTP_MAX_CONNECTIONS_PER_ADDRESS", 100, "0: no cap")
    uploads_in_flight: int = setting("MAX_UPLOADS_IN_FLIGHT", 16)
    trusted_proxies: str = setting("TRUSTED_PROXIES", "", "comma-separated addresses")


class AnyPath(PathConverter):
    regex = "(?s:[^/].*?)"


class GuardedWebServer(WebServer):
    """nameko's WebServer with the limits above. A service names its own error body by
    overriding `refusal`."""

    def setup(self):
        settings = read_settings(HttpSettings, self.container.config)
        self.header_timeout_s = settings.header_timeout_s
        self.body_idle_timeout_s = settings.body_idle_timeout_s
        self.body_timeout_s = settings.body_timeout_s
        self.per_address = settings.per_address
        self.uploads = Slots(settings.uploads_in_flight)
        metrics.UPLOADS_IN_FLIGHT.set_function(lambda: self.uploads.used)  # read at scrape
        self.trusted = {a.strip() for a in settings.trusted_proxies.split(",") if a.strip()}
        self.open = Counter()
        super().setup()

    def make_url_map(self):
        """nameko's map, with a `path` that also takes a path holding a line break (an
        encoded %0A): werkzeug's does not, and the caller would get its HTML 404 instead
        of the service's own answer."""
        url_map = Map(converters={"path": AnyPath})
        for rule in super().make_url_map().iter_rules():
            url_map.add(rule.empty())
        return url_map

    def context_data_from_headers(self, request):
        """The caller's X-Request-ID (when it looks like one) for the worker's context
        and this connection's green thread: the part that called over HTTP logs with it."""
        request_id = request.headers.get("X-Request-ID")
        set_request_id(request_id)
        return {REQUEST_ID_KEY: current_request_id()} if current_request_id() else {}

    def get_wsgi_server(self, sock, wsgi_app, protocol=GuardedProtocol, debug=False):
        server = eventlet.wsgi.Server(
            sock,
            sock.getsockname(),
            wsgi_app,
            protocol=protocol,
            debug=debug,
            log=logging.getLogger("nameko.web.server"),
            socket_timeout=self.body_idle_timeout_s,
        )
        server.guard = self
        return server

    def run(self):
        while self._is_accepting:
            sock, addr = self._sock.accept()
            sock.settimeout(self._serv.socket_timeout)
            host = addr[0]
            if self.per_address and self.open[host] >= self.per_address:
                self.container.spawn_managed_thread(partial(self._turn_away, sock))
                continue
            self.open[host] += 1
            self.container.spawn_managed_thread(partial(self._serve, sock, addr))

    def _serve(self, sock, addr):
        try:
            self.process_request(sock, addr)
        finally:
            self.open[addr[0]] -= 1
            if not self.open[addr[0]]:
                del self.open[addr[0]]

    def _turn_away(self, sock):
        """Answer before the request is read, let the peer finish sending, close."""
        try:
            sock.sendall(
                raw_response(
                    self.refusal(TooManyConnections({"retry_after_s": RETRY_AFTER_S}), None)
                )
            )
            linger(sock)
        except OSError:
            pass
        finally:
            sock.close()

    def trust_forwarded(self, environ):
        """REMOTE_ADDR becomes the client that a trusted proxy names (the right-most
        address in X-Forwarded-For that is not itself a trusted proxy)."""
        if environ.get("REMOTE_ADDR") not in self.trusted:
            return
        chain = [a.strip() for a in environ.get("HTTP_X_FORWARDED_FOR", "").split(",") if a.strip()]
        for address in reversed(chain):
            if address not in self.trusted:
                environ["REMOTE_ADDR"] = address
                return

    def refusal(self, error, environ):
        """-> the Response for a request refused here; `environ` is None when the
        request was not read (the per-address cap)."""
        headers = (
            {"Retry-After": str(error.details["retry_after_s"])}
            if "retry_after_s" in error.details
            else {}
        )
        return Response(
            json.dumps({"error": error.code, "details": error.details}),
            status=error.http_status,
            headers=headers,
            content_type="application/json",
        )


class GuardedHttp(HttpRequestHandler):
    """`@http` on the GuardedWebServer."""

    server = GuardedWebServer()


class PooledHttp(GuardedHttp):
    """`@http` whose workers come from a pool of their own (`pool_size` config key), not
    from the service's max_workers: file transfers never take a worker that an RPC
    needs."""

    def __init__(self, method, url, pool_size_key="MAX_UPLOADS_IN_FLIGHT", **kwargs):
        self.pool_size_key = pool_size_key
        super().__init__(method, url, **kwargs)

    def setup(self):
        size = self.container.config.get(self.pool_size_key)
        self.pool = GreenPool(
            int(size) if size not in (None, "") else HttpSettings.uploads_in_flight
        )
        super().setup()

    def handle_request(self, request):
        """nameko's handle_request, with the worker spawned in this entrypoint's pool
        (the container's own bookkeeping kept, so a stop still waits for it)."""
        request.shallow = False
        try:
            context_data = self.server.context_data_from_headers(request)
            args, kwargs = self.get_entrypoint_parameters(request)
            self.check_signature(args, kwargs)
            event = Event()
            container = self.container
            worker_ctx = WorkerContext(
                container, container.service_cls(), self, args, kwargs, data=context_data
            )
            thread = self.pool.spawn(
                container._run_worker, worker_ctx, partial(self.handle_result, event)
            )
            thread.link(container._handle_worker_thread_exited, worker_ctx)
            container._worker_threads[worker_ctx] = thread
            response = self.response_from_result(event.wait())
        except Exception as exc:
            response = self.response_from_exception(exc)
        return response


http = GuardedHttp.decorator
pooled_http = PooledHttp.decorator
