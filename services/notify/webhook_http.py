"""One webhook POST, SSRF-safe: the host is resolved and checked (webhook_guard.py),
the connection goes to that checked address (the peer it reached is checked once more),
TLS is verified against the host name, redirects are never followed (a 3xx is a
failure), and the connect and the whole exchange have short timeouts.

`WEBHOOK_CA_FILE` adds a CA to the system's (a private one; the tests' own)."""

import http.client
import socket
import ssl
import time
from dataclasses import dataclass

from .exceptions import WebhookAddressForbidden, WebhookUrlNotHttps
from .webhook_guard import address_allowed, parse, resolve

READ_LIMIT = 1024  # of the receiver's answer: enough to close cleanly, nothing kept


@dataclass
class Outcome:
    status_code: int | None  # None: no HTTP answer
    error: str | None  # None: delivered (2xx)

    @property
    def delivered(self):
        return self.error is None


def tls_context(ca_file=None):
    context = ssl.create_default_context()
    if ca_file:
        context.load_verify_locations(cafile=ca_file)
    return context


class _CheckedConnection(http.client.HTTPSConnection):
    """An HTTPS connection to one checked address, TLS verified for `host`."""

    def __init__(self, host, port, address, context, timeout, allow_loopback):
        super().__init__(host, port, timeout=timeout, context=context)
        self._address, self._allow_loopback = address, allow_loopback

    def connect(self):
        family, sockaddr = self._address
        sock = socket.socket(family, socket.SOCK_STREAM)
        try:
            sock.settimeout(self.timeout)
            sock.connect(sockaddr)
            if not address_allowed(sock.getpeername()[0], self._allow_loopback):
                raise WebhookAddressForbidden()
            self.sock = self._context.wrap_socket(sock, server_hostname=self.host)
        except BaseException:
            sock.close()
            raise


class Sender:
    def __init__(self, ca_file=None, allow_loopback=False, connect_timeout=3.0, timeout=10.0):
        self.context = tls_context(ca_file)
        self.allow_loopback = allow_loopback
        self.connect_timeout, self.timeout = connect_timeout, timeout

    def post(self, url, body, headers):
        """POST `body` (bytes) to `url`. -> Outcome; never raises for the receiver's
        faults. The caller bounds the whole call in time as well (webhook_delivery.py)."""
        try:
            host, port, path = parse(url)
            addresses = resolve(host, port, self.allow_loopback)
        except WebhookUrlNotHttps:
            return Outcome(None, "url_not_https")
        except WebhookAddressForbidden:
            return Outcome(None, "address_forbidden")
        started = time.monotonic()
        connection = _CheckedConnection(
            host, port, addresses[0], self.context, self.connect_timeout, self.allow_loopback
        )
        try:
            return self._exchange(connection, path, body, headers, started)
        except WebhookAddressForbidden:
            return Outcome(None, "address_forbidden")
        except ssl.SSLError as exc:
            return Outcome(None, f"tls: {exc.reason or type(exc).__name__}"[:300])
        except TimeoutError:
            return Outcome(None, "timeout")
        except (OSError, http.client.HTTPException) as exc:
            return Outcome(None, type(exc).__name__)
        finally:
            connection.close()

    def _exchange(self, connection, path, body, headers, started):
        connection.connect()
        connection.sock.settimeout(max(0.1, self.timeout - (time.monotonic() - started)))
        connection.request("POST", path, body=body, headers=headers)
        response = connection.getresponse()
        response.read(READ_LIMIT)
        status = response.status
        if 200 <= status < 300:
            return Outcome(status, None)
        if 300 <= status < 400:
            return Outcome(status, "redirect not followed")
        return Outcome(status, f"http {status}")
