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
Each setting comes from the service's config.yaml (`${NAME:default}`).

Several processes can listen on one address (KLUIS_SCALE=gateway=2): nameko opens the
socket with eventlet.listen, which sets SO_REUSEPORT, and the kernel spreads new
connections over them (tests/e2e/test_replicas.py)."""

import io
import json
import logging
import socket
from collections import Counter
from functools import partial

import eventlet
import eventlet.wsgi
from eventlet.event import Event
from eventlet.greenpool import GreenPool
from nameko.containers import WorkerContext
from nameko.web.handlers import HttpRequestHandler
from nameko.web.server import HttpOnlyProtocol, WebServer
from werkzeug.routing import Map, PathConverter
from werkzeug.wrappers import Response

from . import metrics
from .errors import KluisError
from .logs import REQUEST_ID_KEY, current_request_id, set_request_id

log = logging.getLogger(__name__)

BUFFERED_BODY_BYTES = 128 * 1024
RETRY_AFTER_S = 10
DEFAULTS = {
    "HTTP_HEADER_TIMEOUT_S": 10,
    "HTTP_BODY_IDLE_TIMEOUT_S": 30,
    "HTTP_BODY_TIMEOUT_S": 30,
    "HTTP_MAX_CONNECTIONS_PER_ADDRESS": 100,
    "MAX_UPLOADS_IN_FLIGHT": 16,
    "TRUSTED_PROXIES": "",
}


class TooManyConnections(KluisError):
    """More open connections from one address than HTTP_MAX_CONNECTIONS_PER_ADDRESS."""

    code = "too_many_connections"
    http_status = 429


class UploadsBusy(KluisError):
    """MAX_UPLOADS_IN_FLIGHT uploads are under way; details: {"retry_after_s": n}."""

    code = "uploads_busy"
    http_status = 503


class RequestTimeout(KluisError):
    """The request's body did not arrive in time (HTTP_BODY_TIMEOUT_S, or a pause longer
    than HTTP_BODY_IDLE_TIMEOUT_S)."""

    code = "request_timeout"
    http_status = 408


def raw_response(response):
    """A werkzeug Response as bytes on the wire, closing the connection."""
    body = response.get_data()
    lines = [f"HTTP/1.1 {response.status}"]
    lines += [
        f"{k}: {v}"
        for k, v in response.headers.items()
        if k.lower() not in ("content-length", "connection")
    ]
    lines += [f"Content-Length: {len(body)}", "Connection: close", "", ""]
    return "\r\n".join(lines).encode("latin-1") + body


def linger(sock, seconds=2, most=1024 * 1024):
    sock.shutdown(socket.SHUT_WR)
    read = 0
    with eventlet.Timeout(seconds, False):
        while read < most and (chunk := sock.recv(65536)):
            read += len(chunk)


class GuardedProtocol(HttpOnlyProtocol):
    """eventlet's protocol with a deadline on the headers, a body read before the
    application runs when it is small, and a cap on the bodies that are not."""

    def _read_request_line(self):
        self._deadline = eventlet.Timeout(
            self.server.guard.header_timeout_s, TimeoutError("headers")
        )
        return super()._read_request_line()

    def parse_request(self):
        try:
            return super().parse_request()
        finally:
            self._deadline.cancel()

    def handle_one_request(self):
        try:
            super().handle_one_request()
        finally:
            self._deadline.cancel()

    def handle_one_response(self):
        guard = self.server.guard
        guard.trust_forwarded(self.environ)
        body = self.environ["eventlet.input"]
        if not body.chunked_input and (body.content_length or 0) <= BUFFERED_BODY_BYTES:
            data = b""
            if body.content_length:  # most requests have none: no deadline to set
                try:
                    with eventlet.Timeout(guard.body_timeout_s, TimeoutError("body")):
                        data = body.read(body.content_length)
                except TimeoutError:
                    return self._refuse(RequestTimeout())
            self.environ["wsgi.input"] = io.BytesIO(data)
            return super().handle_one_response()
        if guard.uploads.free() == 0:
            return self._refuse(UploadsBusy({"retry_after_s": RETRY_AFTER_S}))
        with guard.uploads.item():
            return super().handle_one_response()

    def _refuse(self, error):
        """Answer, then read (and drop) what the client still sends for a moment, so
        that closing does not reset the connection before the answer is read."""
        self.close_connection = 1
        try:
            self.wfile.write(raw_response(self.server.guard.refusal(error, self.environ)))
            self.wfile.flush()
            linger(self.connection)
        except OSError:
            pass


class Slots:
    """A counter of things under way with a ceiling (never blocks)."""

    def __init__(self, size):
        self.size, self.used = size, 0

    def free(self):
        return self.size - self.used

    def item(self):
        slots = self

        class _Held:
            def __enter__(self):
                slots.used += 1

            def __exit__(self, *exc):
                slots.used -= 1

        return _Held()


class AnyPath(PathConverter):
    regex = "(?s:[^/].*?)"


class GuardedWebServer(WebServer):
    """nameko's WebServer with the limits above. A service names its own error body by
    overriding `refusal`."""

    def setup(self):
        settings = {
            key: self.container.config.get(key, default) for key, default in DEFAULTS.items()
        }
        self.header_timeout_s = float(settings["HTTP_HEADER_TIMEOUT_S"])
        self.body_idle_timeout_s = float(settings["HTTP_BODY_IDLE_TIMEOUT_S"])
        self.body_timeout_s = float(settings["HTTP_BODY_TIMEOUT_S"])
        self.per_address = int(settings["HTTP_MAX_CONNECTIONS_PER_ADDRESS"])
        self.uploads = Slots(int(settings["MAX_UPLOADS_IN_FLIGHT"]))
        metrics.UPLOADS_IN_FLIGHT.set_function(lambda: self.uploads.used)  # read at scrape
        self.trusted = {
            a.strip() for a in str(settings["TRUSTED_PROXIES"] or "").split(",") if a.strip()
        }
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
        size = self.container.config.get(self.pool_size_key, DEFAULTS["MAX_UPLOADS_IN_FLIGHT"])
        self.pool = GreenPool(int(size))
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
