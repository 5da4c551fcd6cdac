"""services/documents/client.py with several documents instances: DOCUMENTS_BLOB_URL
lists them, one is picked per request, another is tried when one refuses."""
import json
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from deploy.supervisor import free_port
from services.common.rpc import ServiceUnavailable
from services.documents import client


class Blobs(BaseHTTPRequestHandler):
    def do_PUT(self):
        size = len(self.rfile.read(int(self.headers["Content-Length"])))
        body = json.dumps({"size": size, "sha256": "x", "content_type": "text/plain"}).encode()
        self.send_response(201)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def endpoint():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Blobs)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_the_list_and_the_single_address(monkeypatch):
    monkeypatch.setenv("DOCUMENTS_BLOB_URL", " http://a:1/, http://b:2 ,")
    assert client.blob_urls() == ["http://a:1", "http://b:2"]
    monkeypatch.delenv("DOCUMENTS_BLOB_URL")
    monkeypatch.setenv("DOCUMENTS_BLOB_ADDRESS", "0.0.0.0:8001")
    assert client.blob_urls() == ["http://127.0.0.1:8001"]


def test_an_instance_that_refuses_is_passed_over(monkeypatch, endpoint):
    refusing = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    monkeypatch.setenv("DOCUMENTS_BLOB_URL", f"{refusing},{endpoint}")
    for _ in range(8):  # the refusing one comes first about every other time
        assert client.put_blob({"upload_id": "u", "ticket": "t"}, b"abc")["size"] == 3


@pytest.fixture
def unresponsive():
    """An address whose connections hang: it listens, accepts nothing, and its queue is
    full, so the kernel drops new connection attempts (as an instance that hangs)."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(0)
    address = server.getsockname()
    fillers = []
    for _ in range(2):  # fill the accept queue
        filler = socket.socket()
        filler.setblocking(False)
        filler.connect_ex(address)
        fillers.append(filler)
    yield f"http://127.0.0.1:{address[1]}"
    for sock in (*fillers, server):
        sock.close()


def test_an_instance_that_does_not_take_the_connection_is_passed_over(
        monkeypatch, endpoint, unresponsive):
    monkeypatch.setattr(client, "CONNECT_TIMEOUT_S", 0.3)
    monkeypatch.setenv("DOCUMENTS_BLOB_URL", f"{unresponsive},{endpoint}")
    for _ in range(8):  # the unresponsive one comes first about every other time
        assert client.put_blob({"upload_id": "u", "ticket": "t"}, b"abc")["size"] == 3


def test_none_answering_is_service_unavailable(monkeypatch):
    monkeypatch.setenv("DOCUMENTS_BLOB_URL", f"http://127.0.0.1:{free_port()},"
                                             f"http://127.0.0.1:{free_port()}")
    with pytest.raises(ServiceUnavailable):
        client.put_blob({"upload_id": "u", "ticket": "t"}, b"abc")
