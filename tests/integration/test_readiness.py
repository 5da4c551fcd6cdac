"""A part's readiness (GET /ready on its metrics listener, the readiness probe of deploy/k8s)
against the real broker: 503 while the part cannot reach RabbitMQ, 200 once it consumes,
503 again when its connection is cut (nameko reconnects in the background), 200 when the
broker is back; false once the part is stopped. The broker is cut by a TCP relay of the
test's own between the service and RabbitMQ, closed and reopened on the same port."""

import socket
from urllib.parse import urlsplit, urlunsplit

import eventlet
import pytest
import requests

from services.common.service import rpc
from services.common.telemetry import Telemetry, consuming

from .conftest import free_port

DEADLINE_S = 60  # nameko's reconnect backs off to a few seconds between tries


class Pinger:
    name = "pinger"
    telemetry = Telemetry()

    @rpc
    def ping(self):
        return "pong"


class Relay:
    """127.0.0.1:<port> -> `target`, byte for byte, until `cut()` closes the listener and
    every connection through it; `resume()` listens on the same port again."""

    def __init__(self, target):
        self.target = target
        self.port = free_port()
        self.listener = self.accepting = None
        self.sockets = []

    def resume(self):
        self.listener = eventlet.listen(("127.0.0.1", self.port))
        self.accepting = eventlet.spawn(self._accept, self.listener)

    @property
    def open(self):
        return self.accepting is not None and not self.accepting.dead

    def cut(self):
        self.accepting.kill()
        self.listener.close()
        for sock in self.sockets:
            sock.close()
        self.sockets.clear()

    def _accept(self, listener):
        while True:
            client, _ = listener.accept()
            upstream = socket.create_connection(self.target)
            self.sockets += [client, upstream]
            eventlet.spawn(self._pump, client, upstream)
            eventlet.spawn(self._pump, upstream, client)

    @staticmethod
    def _pump(source, sink):
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except (OSError, EOFError):  # EOFError: eventlet's, for a socket closed meanwhile
            pass
        for sock in (source, sink):
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


def through(amqp_uri, port):
    parts = urlsplit(amqp_uri)
    netloc = parts.netloc.rsplit("@", 1)[0] + f"@127.0.0.1:{port}"
    return urlunsplit(parts._replace(netloc=netloc))


def status(url):
    try:
        return requests.get(url, timeout=5).status_code
    except requests.ConnectionError:
        return None


def until(url, wanted):
    deadline = eventlet.hubs.get_hub().clock() + DEADLINE_S
    seen = status(url)
    while seen != wanted:
        assert eventlet.hubs.get_hub().clock() < deadline, f"{url}: {seen}, not {wanted}"
        eventlet.sleep(0.1)
        seen = status(url)


@pytest.fixture
def relay(amqp_uri):
    broker = urlsplit(amqp_uri)
    relay = Relay((broker.hostname, broker.port or 5672))
    yield relay
    if relay.open:
        relay.cut()


@pytest.fixture
def start_service(relay, start_service):
    """Started containers stop at the end with the broker reachable: nameko's kill
    waits for a consumer that is reconnecting."""
    yield start_service
    if not relay.open:
        relay.resume()


def test_ready_only_while_consuming_from_the_broker(amqp_uri, relay, start_service):
    metrics_port = free_port()
    config = {
        "AMQP_URI": through(amqp_uri, relay.port),
        "METRICS_ADDRESS": f"127.0.0.1:{metrics_port}",
    }
    container = start_service(Pinger, config, run=False)
    assert not consuming(container)  # not started
    starting = eventlet.spawn(container.start)  # waits for the broker, the listener does not
    ready = f"http://127.0.0.1:{metrics_port}/ready"
    until(ready, 503)

    relay.resume()
    until(ready, 200)
    starting.wait()
    assert requests.get(f"http://127.0.0.1:{metrics_port}/metrics", timeout=5).ok

    relay.cut()
    until(ready, 503)
    relay.resume()
    until(ready, 200)

    container.stop()
    assert not consuming(container)
    assert status(ready) is None  # the listener stops with the part
