"""A local HTTPS receiver for webhooks: its own CA and a server certificate for
localhost and 127.0.0.1 made with `cryptography` (the system under test trusts the CA
through WEBHOOK_CA_FILE), and a server that checks the signature of every request it
gets with the secret of the endpoint (path) it was sent to."""

import datetime
import hashlib
import hmac
import ipaddress
import json
import ssl
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID


def _pem(key):
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def make_certificates(folder):
    """-> (ca.pem, server.pem, server.key) in `folder`."""
    now = datetime.datetime.now(datetime.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Kluis test CA")])
    ca = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(False, False, False, False, False, True, True, False, False),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), False)
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    server = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")]))
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
            ),
            critical=False,
        )
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), False
        )
        .sign(ca_key, hashes.SHA256())
    )
    paths = folder / "ca.pem", folder / "server.pem", folder / "server.key"
    paths[0].write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    paths[1].write_bytes(server.public_bytes(serialization.Encoding.PEM))
    paths[2].write_bytes(_pem(key))
    return paths


class Endpoint:
    """One path of the receiver: its secret, the answers it gives (in order; then
    `default`), and every request it got as {headers, body, json, valid}."""

    def __init__(self, path):
        self.path = path
        self.secret = None
        self.answers = []
        self.default = 200
        self.location = None  # sent with 3xx answers
        self.received = []

    def verifies(self, headers, body):
        timestamp = headers.get("Kluis-Webhook-Timestamp", "")
        signed = timestamp.encode() + b"." + body
        expected = "v1=" + hmac.new(self.secret.encode(), signed, hashlib.sha256).hexdigest()
        return hmac.compare_digest(expected, headers.get("Kluis-Webhook-Signature", ""))


class Receiver:
    def __init__(self, cert, key):
        self.endpoints = {}
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                receiver.record(self, body)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cert, key)
        self.server.socket = context.wrap_socket(self.server.socket, server_side=True)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def endpoint(self, path):
        self.endpoints[path] = Endpoint(path)
        return self.endpoints[path]

    def url(self, endpoint, host="127.0.0.1"):
        return f"https://{host}:{self.port}{endpoint.path}"

    def record(self, handler, body):
        endpoint = self.endpoints.get(handler.path)
        if endpoint is None:
            handler.send_response(404)
            handler.end_headers()
            return
        with self.lock:
            status = endpoint.answers.pop(0) if endpoint.answers else endpoint.default
            endpoint.received.append(
                {
                    "headers": dict(handler.headers),
                    "body": body,
                    "json": json.loads(body),
                    "valid": endpoint.secret is not None
                    and endpoint.verifies(handler.headers, body),
                }
            )
        handler.send_response(status)
        if endpoint.location:
            handler.send_header("Location", endpoint.location)
        handler.send_header("Content-Length", "0")
        handler.end_headers()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()
