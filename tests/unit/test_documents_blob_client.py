"""services/documents/client.py with several documents instances: DOCUMENTS_BLOB_URL
lists them, one is picked per request, another is tried when one refuses; and the
whole upload, grant -> transfer -> finish."""

import json
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from deploy.processes import free_port
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


def test_the_list_and_the_single_address_come_from_the_configuration(monkeypatch):
    monkeypatch.setenv("DOCUMENTS_BLOB_URL", "http://elsewhere:9")  # not read
    listed = client.BlobClient.from_config(
        {
            "DOCUMENTS_BLOB_URL": " http://a:1/, http://b:2 ,",
            "DOCUMENTS_BLOB_ADDRESS": "0.0.0.0:8001",
        }
    )
    assert listed.urls == ["http://a:1", "http://b:2"]
    single = client.BlobClient.from_config(
        {"DOCUMENTS_BLOB_URL": "", "DOCUMENTS_BLOB_ADDRESS": "0.0.0.0:8001"}
    )
    assert single.urls == ["http://127.0.0.1:8001"]
    assert client.BlobClient.from_config({}).urls == ["http://127.0.0.1:8001"]


def test_an_upload_is_granted_sent_and_finished(endpoint):
    finished = []
    document = client.BlobClient([endpoint]).upload(
        lambda: {"upload_id": "u1", "ticket": "t"},
        b"abcd",
        lambda upload_id: finished.append(upload_id) or {"id": "d1"},
    )
    assert (document, finished) == ({"id": "d1"}, ["u1"])


def test_an_instance_that_refuses_is_passed_over(endpoint):
    refusing = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    blobs = client.BlobClient([refusing, endpoint])
    for _ in range(8):  # the refusing one comes first about every other time
        assert blobs.put({"upload_id": "u", "ticket": "t"}, b"abc")["size"] == 3


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


def test_an_instance_that_does_not_take_the_connection_is_passed_over(endpoint, unresponsive):
    blobs = client.BlobClient([unresponsive, endpoint], connect_timeout_s=0.3)
    for _ in range(8):  # the unresponsive one comes first about every other time
        assert blobs.put({"upload_id": "u", "ticket": "t"}, b"abc")["size"] == 3


def test_none_answering_is_service_unavailable():
    blobs = client.BlobClient(
        [f"http://127.0.0.1:{free_port()}", f"http://127.0.0.1:{free_port()}"]
    )
    with pytest.raises(ServiceUnavailable):
        blobs.put({"upload_id": "u", "ticket": "t"}, b"abc")
