"""The webhook sender (services/notify/webhook_http.py) against local sockets: a refused
address is never connected to, and a receiver that never answers ends in a timeout."""

import socket
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from services.notify.webhook_http import Sender


@pytest.fixture
def listener():
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(5)
    server.settimeout(0)
    yield server
    server.close()


def connections(server):
    """Connections that reached `server` (accepted and closed here)."""
    count = 0
    while True:
        try:
            connection, _address = server.accept()
        except BlockingIOError:
            return count
        connection.close()
        count += 1


def test_loopback_is_never_connected_to_unless_allowed(listener):
    port = listener.getsockname()[1]
    for host in ("localhost", "127.0.0.1", "0"):
        outcome = Sender().post(f"https://{host}:{port}/hook", b"{}", {})
        assert (outcome.status_code, outcome.error) == (None, "address_forbidden"), host
    assert connections(listener) == 0


def test_plain_http_is_never_sent_unless_loopback_is_allowed(listener):
    port = listener.getsockname()[1]
    outcome = Sender().post(f"http://127.0.0.1:{port}/hook", b"{}", {})
    assert outcome.error == "url_not_https" and connections(listener) == 0


def test_with_loopback_allowed_plain_http_reaches_a_loopback_receiver_only():
    received = []

    class Receiver(BaseHTTPRequestHandler):
        def do_POST(self):
            received.append(self.rfile.read(int(self.headers["Content-Length"])))
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Receiver)
    thread = threading.Thread(target=server.handle_request)
    thread.start()
    try:
        port = server.server_address[1]
        outcome = Sender(allow_loopback=True).post(f"http://127.0.0.1:{port}/hook", b"{}", {})
    finally:
        thread.join(timeout=10)
        server.server_close()
    assert (outcome.status_code, outcome.error) == (204, None) and received == [b"{}"]
    public = Sender(allow_loopback=True).post("http://93.184.216.34/hook", b"{}", {})
    assert public.error == "address_forbidden"


def test_a_receiver_that_never_answers_is_a_timeout(listener):
    port = listener.getsockname()[1]
    sender = Sender(allow_loopback=True, connect_timeout=0.3, timeout=0.3)
    outcome = sender.post(f"https://127.0.0.1:{port}/hook", b"{}", {})
    assert (outcome.status_code, outcome.error) == (None, "timeout")
    assert not outcome.delivered
