"""services/documents/client.py with several documents instances: DOCUMENTS_BLOB_URL
lists them, one is picked per request, another is tried when one refuses."""
import json
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


def test_none_answering_is_service_unavailable(monkeypatch):
    monkeypatch.setenv("DOCUMENTS_BLOB_URL", f"http://127.0.0.1:{free_port()},"
                                             f"http://127.0.0.1:{free_port()}")
    with pytest.raises(ServiceUnavailable):
        client.put_blob({"upload_id": "u", "ticket": "t"}, b"abc")
