"""Benchmark: a large file up and down through the gateway and the documents service.

    .venv/bin/python -m tests.perf.bench_documents [--mib 1024]

Starts a throwaway system (its own vhost on the local RabbitMQ, SQLite and the blob
folder under a temp folder), uploads a file of --mib MiB as a chunked multipart
stream made on the fly, downloads it again, and prints MB/s both ways and the peak
memory (VmHWM, the resident high-water mark) of the gateway and the documents service
before and after. Both should stay flat: tens of MB whatever the file's size.
Figures, not a test."""
import argparse
import hashlib
import os
import sys
import tempfile
import time
import uuid

import eventlet

eventlet.monkey_patch()


from deploy.supervisor import System, free_port  # noqa: E402
from tests.conftest import Vhosts  # noqa: E402
from tests.e2e.conftest import ADMIN_EMAIL, ADMIN_PASSWORD, Kluis  # noqa: E402
from tests.e2e.staff_app import Office  # noqa: E402

BLOCK = os.urandom(1024 * 1024)
BOUNDARY = "kluis-bench"


def peak_mib(system, part):
    with open(f"/proc/{system.processes[part].pid}/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def body(mib, digest):
    yield (f"--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"category\"\r\n\r\n"
           f"document\r\n--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; "
           f"filename=\"groot.pdf\"\r\n\r\n").encode()
    head = b"%PDF-1.7\n%" + BLOCK[10:]
    for number in range(mib):
        block = head if number == 0 else BLOCK
        digest.update(block)
        yield block
    yield f"\r\n--{BOUNDARY}--\r\n".encode()


def run(system, mib):
    kluis = Kluis(system)
    office = Office(kluis, kluis.admin())
    staff = office.staffed("owner")[1]
    client = staff.post(f"/offices/{office.id}/clients", json={
        "type": "person", "name": "Bench", "email": f"b-{uuid.uuid4().hex[:8]}@voorbeeld.nl"}
    ).json()
    dossier = staff.post(f"/clients/{client['id']}/dossiers", json={
        "number": "BENCH", "description": "benchmark"}).json()
    before = {p: peak_mib(system, p) for p in ("gateway", "documents")}
    sent = hashlib.sha256()
    started = time.perf_counter()
    response = staff.post(f"/dossiers/{dossier['id']}/documents", data=body(mib, sent),
                          headers={"Content-Type": f"multipart/form-data; boundary={BOUNDARY}"},
                          timeout=3600)
    up_s = time.perf_counter() - started
    assert response.status_code == 201, response.text
    document = response.json()
    assert document["sha256"] == sent.hexdigest()
    after_up = {p: peak_mib(system, p) for p in ("gateway", "documents")}
    got, size = hashlib.sha256(), 0
    started = time.perf_counter()
    with staff.get(f"/documents/{document['id']}/content", stream=True, timeout=3600) as down:
        for chunk in down.iter_content(256 * 1024):
            got.update(chunk)
            size += len(chunk)
    down_s = time.perf_counter() - started
    assert got.hexdigest() == document["sha256"] and size == mib * 1024 * 1024
    after = {p: peak_mib(system, p) for p in ("gateway", "documents")}
    megabytes = mib * 1024 * 1024 / 1e6
    print(f"file: {mib} MiB")
    print(f"upload:   {megabytes / up_s:7.1f} MB/s ({up_s:.1f} s)")
    print(f"download: {megabytes / down_s:7.1f} MB/s ({down_s:.1f} s)")
    for part in ("gateway", "documents"):
        print(f"peak RSS {part:9}: before {before[part]:6.1f} MiB, after upload "
              f"{after_up[part]:6.1f} MiB, after download {after[part]:6.1f} MiB")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--mib", type=int, default=1024)
    args = parser.parse_args()
    vhosts = Vhosts()
    with tempfile.TemporaryDirectory() as var:
        env = {k: v for k, v in os.environ.items() if not k.startswith("KLUIS_")}
        env.update(KLUIS_VAR=var, AMQP_URI=vhosts.create(f"bench-{uuid.uuid4().hex[:6]}"), LOG_LEVEL="WARNING",
                   WEB_SERVER_ADDRESS=f"127.0.0.1:{free_port()}",
                   KLUIS_ADMIN_EMAIL=ADMIN_EMAIL, KLUIS_ADMIN_PASSWORD=ADMIN_PASSWORD,
                   MAX_UPLOAD_BYTES=str((args.mib + 1) * 1024 * 1024))
        system = System(env, log_dir=os.path.join(var, "logs"))
        try:
            system.prepare()
            system.start_all()
            system.wait_healthy(90)
            run(system, args.mib)
        finally:
            system.stop_all()
            vhosts.remove_all()


if __name__ == "__main__":
    sys.exit(main())
