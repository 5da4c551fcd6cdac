"""Documents on the other configuration: S3-compatible object storage (a moto server:
there is no S3 here), virus scanning through clamd (a fake speaking clamd's protocol:
there is no clamd here), a 1 MiB upload limit. And the documents service killed in
the middle of an upload."""

import hashlib
import signal
import socket
import subprocess
import sys
import time

import boto3
import eventlet
import pytest
import requests

from deploy.processes import free_port
from tests import samples
from tests.integration.fake_clamd import FakeClamd

from .conftest import Kluis, start_system
from .staff_app import Office
from .test_clients import _client
from .test_documents import blob_files, upload

LIMIT = 1024 * 1024
BUCKET = "kluis-blobs"


def _wait_for_port(port, timeout=20):
    deadline = time.monotonic() + timeout
    while True:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        assert time.monotonic() < deadline, "the S3 server did not start"
        time.sleep(0.1)


@pytest.fixture(scope="module")
def s3():
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    _wait_for_port(port)
    client = boto3.client(
        "s3",
        endpoint_url=f"http://127.0.0.1:{port}",
        region_name="us-east-1",
        aws_access_key_id="kluis",
        aws_secret_access_key="kluis-geheim",
    )
    client.create_bucket(Bucket=BUCKET)
    yield client, f"http://127.0.0.1:{port}"
    server.terminate()
    server.wait(10)


@pytest.fixture(scope="module")
def clamd():
    scanner = FakeClamd()
    scanner.start()
    yield scanner
    scanner.stop()


@pytest.fixture(scope="module")
def vault(tmp_path_factory, vhosts, s3, clamd):
    system = start_system(
        tmp_path_factory,
        vhosts,
        "vault",
        MAX_UPLOAD_BYTES=str(LIMIT),
        STORAGE_BACKEND="s3",
        S3_BUCKET=BUCKET,
        S3_ENDPOINT_URL=s3[1],
        S3_REGION="us-east-1",
        S3_ACCESS_KEY_ID="kluis",
        S3_SECRET_ACCESS_KEY="kluis-geheim",
        CLAMD_ADDRESS=clamd.address,
    )
    yield Kluis(system)
    system.stop_all()


def new_dossier(kluis, number, description):
    """A fresh office's owner, and a dossier of a new client of theirs."""
    office = Office(kluis, kluis.admin())
    staff = office.staffed("owner")[1]
    client = _client(staff, office)
    dossier = staff.post(
        f"/clients/{client['id']}/dossiers", json={"number": number, "description": description}
    ).json()
    return staff, dossier


@pytest.fixture
def vault_case(vault):
    return new_dossier(vault, "S3-1", "Oversluiten")


def _objects(s3):
    listed = s3[0].list_objects_v2(Bucket=BUCKET).get("Contents", [])
    return {o["Key"]: s3[0].get_object(Bucket=BUCKET, Key=o["Key"])["Body"].read() for o in listed}


def test_s3_holds_only_sealed_bytes_and_gives_them_back(vault, vault_case, s3, clamd):
    staff, dossier = vault_case
    content = samples.pdf("Hypotheekakte via S3")
    scanned_before = clamd.received_bytes
    document = upload(staff, dossier["id"], content).json()
    assert document["sha256"] == hashlib.sha256(content).hexdigest()
    assert clamd.received_bytes - scanned_before == len(content)  # the whole file scanned
    objects = _objects(s3)
    assert objects and not any(b"Hypotheekakte" in body for body in objects.values())
    got = staff.get(f"/documents/{document['id']}/content")
    assert got.status_code == 200 and got.content == content


def test_a_virus_is_refused_and_nothing_kept(vault, vault_case, s3):
    staff, dossier = vault_case
    before = set(_objects(s3))
    response = upload(staff, dossier["id"], b"Bijlage\n" + samples.EICAR + b"\n", name="a.txt")
    assert response.status_code == 422 and response.json()["error"] == "virus_found"
    assert set(_objects(s3)) == before
    assert staff.get(f"/dossiers/{dossier['id']}/documents").json()["items"] == []


def test_when_scanning_fails_the_file_is_not_accepted(vault, vault_case, s3, clamd):
    staff, dossier = vault_case
    before = set(_objects(s3))
    clamd.mode = "drop"
    try:
        response = upload(staff, dossier["id"], samples.pdf() + b"%" + b"x" * 200_000)
    finally:
        clamd.mode = "answer"
    assert response.status_code == 503 and response.json()["error"] == "scan_failed"
    assert set(_objects(s3)) == before
    assert staff.get(f"/dossiers/{dossier['id']}/documents").json()["items"] == []


def test_the_upload_limit_holds_while_streaming(vault, vault_case):
    staff, dossier = vault_case
    exact = b"a" * (LIMIT - 1) + b"\n"
    assert upload(staff, dossier["id"], exact, name="precies.txt").status_code == 201
    over = upload(staff, dossier["id"], exact + b"b", name="te-groot.txt")
    assert over.status_code == 413 and over.json()["error"] == "file_too_large"
    boundary = "grens"
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="category"\r\n\r\n'
        f'document\r\n--{boundary}\r\nContent-Disposition: form-data; name="file"; '
        f'filename="groot.txt"\r\n\r\n'
    ).encode()

    def endless_chunked():  # no Content-Length: only streaming can stop it
        yield head
        for _ in range(40):
            yield b"c" * 65536
        yield f"\r\n--{boundary}--\r\n".encode()

    chunked = staff.post(
        f"/dossiers/{dossier['id']}/documents",
        data=endless_chunked(),
        headers={"Content-Type": f"multipart/form-data; boundary={boundary}"},
    )
    assert chunked.status_code == 413 and chunked.json()["error"] == "file_too_large"
    names = [d["name"] for d in staff.get(f"/dossiers/{dossier['id']}/documents").json()["items"]]
    assert names == ["precies.txt"]


def test_documents_killed_mid_upload_leaves_no_half_document_and_loses_none(kluis):
    staff, dossier = new_dossier(kluis, "K-1", "Kill")
    kept = samples.pdf("al binnen")
    completed = upload(staff, dossier["id"], kept).json()
    boundary, arrived, go_on = "grens", eventlet.Event(), eventlet.Event()
    temp = kluis.system.var / "blobs" / "tmp"

    def slow_body():
        yield (
            f'--{boundary}\r\nContent-Disposition: form-data; name="category"\r\n\r\n'
            f'document\r\n--{boundary}\r\nContent-Disposition: form-data; name="file"; '
            f'filename="half.pdf"\r\n\r\n'
        ).encode() + samples.pdf("half")
        for number in range(64):
            if number == 32:  # 2 MiB: past what sealing and parsing hold back
                arrived.send(True)
                go_on.wait()
            yield b"%" + b"y" * 65535
        yield f"\r\n--{boundary}--\r\n".encode()

    def post():
        try:
            return staff.post(
                f"/dossiers/{dossier['id']}/documents",
                data=slow_body(),
                headers={"Content-Type": f"multipart/form-data; boundary={boundary}"},
            )
        except requests.RequestException as exc:
            return exc

    sender = eventlet.spawn(post)
    arrived.wait()
    deadline = time.monotonic() + 20
    while not (temp.exists() and any(p.stat().st_size for p in temp.iterdir())):
        assert time.monotonic() < deadline, "no bytes reached the documents service"
        time.sleep(0.05)
    kluis.system.stop("documents", sig=signal.SIGKILL)
    go_on.send(True)
    answer = sender.wait()
    assert not isinstance(answer, Exception) and answer.status_code == 503
    kluis.system.start("documents")
    kluis.system.wait_healthy(60)
    listed = staff.get(f"/dossiers/{dossier['id']}/documents").json()["items"]
    assert [d["id"] for d in listed] == [completed["id"]]
    assert staff.get(f"/documents/{completed['id']}/content").content == kept
    assert all(p.stat().st_size for p in blob_files(kluis))  # no empty or partial blob
