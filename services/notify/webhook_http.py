"""One webhook POST, SSRF-safe: the host is resolved and checked (webhook_guard.py),
the connection goes to that checked address (the peer it reached is checked once more),
TLS is verified against the host name, redirects are never followed (a 3xx is a
failure), and the connect and the whole exchange have short timeouts.

`WEBHOOK_CA_FILE` adds a CA to the system's (a private one; the tests' own). With
WEBHOOK_ALLOW_LOOPBACK=1 (tests only) a plain-HTTP URL reaches loopback addresses only."""

import http.client
import socket
import ssl
import time
from dataclasses import dataclass

from .exceptions import WebhookAddressForbidden, WebhookUrlNotHttps
from .webhook_guard import address_allowed, is_plain, parse, resolve

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


def _connect_checked(address, timeout, allow_loopback):
    """A socket connected to the checked `address`, whose peer is checked once more."""
    family, sockaddr = address
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.settimeout(timeout)
        sock.connect(sockaddr)
        if not address_allowed(sock.getpeername()[0], allow_loopback):
            raise WebhookAddressForbidden()
    except BaseException:
        sock.close()
        raise
    return sock


class _CheckedConnection(http.client.HTTPSConnection):
    """An HTTPS connection to one checked address, TLS verified for `host`."""

    def __init__(self, host, port, address, context, timeout, allow_loopback):
        super().__init__(host, port, timeout=timeout, context=context)
        self._address, self._allow_loopback = address, allow_loopback

    def connect(self):
        sock = _connect_checked(self._address, self.timeout, self._allow_loopback)
        try:
            self.sock = self._context.wrap_socket(sock, server_hostname=self.host)
        except BaseException:
            sock.close()
            raise


class _CheckedPlainConnection(http.client.HTTPConnection):
    """Plain HTTP to one checked loopback address (WEBHOOK_ALLOW_LOOPBACK, tests only)."""

    def __init__(self, host, port, address, _context, timeout, allow_loopback):
        super().__init__(host, port, timeout=timeout)
        self._address, self._allow_loopback = address, allow_loopback

    def connect(self):
        self.sock = _connect_checked(self._address, self.timeout, self._allow_loopback)


class Sender:
    def __init__(self, ca_file=None, allow_loopback=False, connect_timeout=3.0, timeout=10.0):
        self.context = tls_context(ca_file)
        self.allow_loopback = allow_loopback
        self.connect_timeout, self.timeout = connect_timeout, timeout

    def post(self, url, body, headers):
        """POST `body` (bytes) to `url`. -> Outcome; never raises for the receiver's
        faults. The caller bounds the whole call in time as well (webhook_delivery.py)."""
        plain = self.allow_loopback and is_plain(url)
        try:
            host, port, path = parse(url, self.allow_loopback)
            addresses = resolve(host, port, self.allow_loopback, loopback_only=plain)
        except WebhookUrlNotHttps:
            return Outcome(None, "url_not_https")
        except WebhookAddressForbidden:
            return Outcome(None, "address_forbidden")
        started = time.monotonic()
        kind = _CheckedPlainConnection if plain else _CheckedConnection
        connection = kind(
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
