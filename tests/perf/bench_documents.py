"""Benchmark: a large file up and down through the gateway and the documents service.

    .venv/bin/python -m tests.perf.bench_documents [--mib 1024]

Starts a throwaway system (its own vhost on the local RabbitMQ, SQLite and the blob
folder under a temp folder), uploads a file of --mib MiB as a chunked multipart
stream made on the fly, downloads it again, and prints MB/s both ways and the peak
memory (VmHWM, the resident high-water mark) of the gateway and the documents service
before and after. Both should stay flat: tens of MB whatever the file's size.
In the same run, the same file written to the same disk and copied with `cp` + `sync`:
the floor that the upload is a fraction of. Figures, not a test."""

import argparse
import hashlib
import os
import subprocess
import sys
import time
import uuid

import eventlet

eventlet.monkey_patch()


from tests.e2e.conftest import Kluis  # noqa: E402
from tests.e2e.staff_app import Office  # noqa: E402
from tests.perf.bench_system import throwaway_system  # noqa: E402

BLOCK = os.urandom(1024 * 1024)
BOUNDARY = "kluis-bench"


def peak_mib(system, part):
    with open(f"/proc/{system.processes[part].pid}/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def cpu_s(system, part):
    """CPU seconds (user + system) that a part has used so far: beside the wall time, it
    tells which process an upload waits for."""
    with open(f"/proc/{system.processes[part].pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def body(mib, digest, sent_at):
    yield (
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="category"\r\n\r\n'
        f'document\r\n--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; '
        f'filename="groot.pdf"\r\n\r\n'
    ).encode()
    head = b"%PDF-1.7\n%" + BLOCK[10:]
    for number in range(mib):
        block = head if number == 0 else BLOCK
        digest.update(block)
        yield block
    yield f"\r\n--{BOUNDARY}--\r\n".encode()
    sent_at.append(time.perf_counter())  # the last byte handed to the socket


def cp_and_sync(var, mib):
    """MB/s of `cp` + `sync` of a --mib file on the disk under `var` (the blob store's)."""
    source, copy = os.path.join(var, "cp-source"), os.path.join(var, "cp-copy")
    with open(source, "wb") as handle:
        for _ in range(mib):
            handle.write(BLOCK)
    subprocess.run(["sync"], check=True)
    started = time.perf_counter()
    subprocess.run(["cp", source, copy], check=True)
    subprocess.run(["sync"], check=True)
    took = time.perf_counter() - started
    os.unlink(source)
    os.unlink(copy)
    return mib * 1024 * 1024 / 1e6 / took


def run(system, mib):
    kluis = Kluis(system)
    office = Office(kluis, kluis.admin())
    staff = office.staffed("owner")[1]
    client = staff.post(
        f"/offices/{office.id}/clients",
        json={"type": "person", "name": "Bench", "email": f"b-{uuid.uuid4().hex[:8]}@voorbeeld.nl"},
    ).json()
    dossier = staff.post(
        f"/clients/{client['id']}/dossiers", json={"number": "BENCH", "description": "benchmark"}
    ).json()
    before = {p: peak_mib(system, p) for p in ("gateway", "documents")}
    sent = hashlib.sha256()
    cpu_before = {p: cpu_s(system, p) for p in ("gateway", "documents")}
    started, sent_at = time.perf_counter(), []
    client_cpu = time.process_time()
    response = staff.post(
        f"/dossiers/{dossier['id']}/documents",
        data=body(mib, sent, sent_at),
        headers={"Content-Type": f"multipart/form-data; boundary={BOUNDARY}"},
        timeout=3600,
    )
    up_s = time.perf_counter() - started
    tail_s, client_cpu = started + up_s - sent_at[0], time.process_time() - client_cpu
    assert response.status_code == 201, response.text
    document = response.json()
    assert document["sha256"] == sent.hexdigest()
    after_up = {p: peak_mib(system, p) for p in ("gateway", "documents")}
    cpu_up = {p: cpu_s(system, p) - cpu_before[p] for p in ("gateway", "documents")}
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
    floor = cp_and_sync(str(system.var), mib)
    print(f"file: {mib} MiB")
    print(f"cp + sync: {floor:7.1f} MB/s (same file size, same disk)")
    print(
        f"upload:   {megabytes / up_s:7.1f} MB/s ({up_s:.1f} s), "
        f"x{megabytes / up_s / floor:.2f} of cp + sync; CPU during the upload: "
        + ", ".join(f"{p} {cpu_up[p]:.1f} s" for p in cpu_up)
        + f", this client {client_cpu:.1f} s; answer {tail_s:.2f} s after the last byte"
    )
    print(f"download: {megabytes / down_s:7.1f} MB/s ({down_s:.1f} s)")
    for part in ("gateway", "documents"):
        print(
            f"peak RSS {part:9}: before {before[part]:6.1f} MiB, after upload "
            f"{after_up[part]:6.1f} MiB, after download {after[part]:6.1f} MiB"
        )


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--mib", type=int, default=1024)
    args = parser.parse_args()
    with throwaway_system(
        "bench-documents", LOG_LEVEL="WARNING", MAX_UPLOAD_BYTES=str((args.mib + 1) * 1024 * 1024)
    ) as system:
        run(system, args.mib)


if __name__ == "__main__":
    sys.exit(main())
