"""What the hardened HTTP server (services/common/web_server.py) does on a connection:
eventlet's protocol with a deadline on the headers, a small body read before a worker
is taken, a cap on the large ones, and the errors it refuses with (their codes are part
of docs/api.md)."""

import io
import socket

import eventlet
from nameko.web.server import HttpOnlyProtocol

from .errors import KluisError

BUFFERED_BODY_BYTES = 128 * 1024
RETRY_AFTER_S = 10


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
