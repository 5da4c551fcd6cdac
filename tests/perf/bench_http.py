"""Benchmark: Kluis's reads under load, beside the bare nameko floor, in the same run.

    .venv/bin/python -m tests.perf.bench_http [--seconds 5] [--connections 50]

Starts a throwaway system (own vhost, SQLite under a temp folder) and the floor
(tests/perf/floor_service.py: an @http handler making one RPC to an echo service),
loads each with `wrk` (a compiled load generator, so that the client is not what is
measured) and prints req/s and p50/p99 of GET /dossiers, /dossiers/{id}, /me,
/auth/session and /health, each as a ratio to the floor (loaded before and after
them: the ratio is to the mean of the two). Then the latency of single
requests: GET /dossiers?limit=20, and a dossier's documents list with 100 and with
100,000 rows (inserted straight into the documents database), and the staff's client
list (GET /clients, its first page and a search) with 100 and 2,000 clients. Figures,
not a test.
"""

import argparse
import re
import shutil
import statistics
import subprocess
import sys
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

import requests
import sqlalchemy as sa

from services.documents.models import Document
from tests.e2e.staff_app import Office
from tests.e2e.test_clients import _client

# before the other tests modules: it applies eventlet's monkey patch (tests.conftest)
from tests.perf.bench_system import start_floor, throwaway_system
from tests.systems import Kluis

UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def wrk(url, seconds, connections, headers=None):
    """-> {"rps", "p50", "p99" (ms), "errors"} from one wrk run."""
    argv = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "--timeout", "10s"]
    for name, value in (headers or {}).items():
        argv += ["-H", f"{name}: {value}"]
    out = subprocess.run(argv + [url], capture_output=True, text=True, check=True).stdout

    def latency(percent):
        number, unit = re.search(rf"^\s+{percent}%\s+([\d.]+)(us|ms|s)\s*$", out, re.M).groups()
        return float(number) * UNITS[unit]

    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    socket_errors = re.search(r"Socket errors: (.*)", out)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "p50": latency(50),
        "p99": latency(99),
        "errors": (int(errors.group(1)) if errors else 0),
        "socket_errors": socket_errors.group(1) if socket_errors else "",
    }


def single_latency(session, url, count):
    """Median and worst of `count` requests one after another, in ms, and the statuses
    (a list too long for the RPC timeout answers 504)."""
    took, statuses = [], set()
    for _ in range(count):
        started = time.perf_counter()
        statuses.add(session.get(url, timeout=120).status_code)
        took.append((time.perf_counter() - started) * 1000)
    return statistics.median(took), max(took), sorted(statuses)


def insert_documents(var, dossier, uploader_id, count):
    """`count` document rows for `dossier`, straight into the documents database."""
    engine = sa.create_engine(f"sqlite:///{var}/documents.db")
    now = datetime.now(UTC)
    rows = [
        {
            "id": str(uuid.uuid4()),
            "dossier_id": dossier["id"],
            "office_id": dossier["office_id"],
            "client_id": dossier["client_id"],
            "category": "document",
            "public": True,
            "title": f"Stuk {n}",
            "name": f"stuk-{n}.pdf",
            "size": 1000,
            "sha256": "0" * 64,
            "content_type": "application/pdf",
            "blob_name": str(uuid.uuid4()),
            "request_id": None,
            "message_id": None,
            "locked": False,
            "uploaded_by": uploader_id,
            "uploaded_by_kind": "staff",
            "created_at": now,
        }
        for n in range(count)
    ]
    with engine.begin() as connection:
        connection.execute(sa.insert(Document.__table__), rows)
    engine.dispose()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--connections", type=int, default=50)
    args = parser.parse_args()
    if not shutil.which("wrk"):
        print("wrk is missing: apt-get install -y wrk", file=sys.stderr)
        return 2
    with (
        throwaway_system("bench-http") as system,
        start_floor(system, max_workers=50) as floor,
    ):  # as many workers as the gateway's
        floor_url = floor + "/floor"
        kluis = Kluis(system)
        office = Office(kluis, kluis.admin())
        staff = office.staffed("owner")[1]
        client = _client(staff, office)
        dossiers = [
            staff.post(
                f"/clients/{client['id']}/dossiers",
                json={"number": f"B-{n}", "description": "Bench"},
            ).json()
            for n in range(2)
        ]
        bearer = {"Authorization": staff.session.headers["Authorization"]}
        base = system.base_url

        # The floor is loaded before and after Kluis's endpoints and the ratios are to
        # the mean of both: on a shared machine a single floor run, minutes apart from
        # the last endpoint's, drifts by 10 % either way.
        floor_runs = [wrk(floor_url, args.seconds, args.connections)]
        results = []
        for path, headers in (
            ("/dossiers", bearer),
            (f"/dossiers/{dossiers[0]['id']}", bearer),
            ("/me", bearer),
            ("/auth/session", bearer),
            ("/health", {}),
        ):
            label = "GET " + path.replace(dossiers[0]["id"], "{id}")
            results.append((label, wrk(base + path, args.seconds, args.connections, headers)))
        floor_runs.append(wrk(floor_url, args.seconds, args.connections))
        floor_rps = statistics.mean(run["rps"] for run in floor_runs)
        for when, run in zip(("before", "after"), floor_runs, strict=True):
            print(
                f"{'floor: nameko @http + 1 RPC, ' + when:34s} {run['rps']:7.0f} req/s  "
                f"p50 {run['p50']:7.1f} ms  p99 {run['p99']:7.1f} ms",
                flush=True,
            )
        for label, figures in results:
            print(
                f"{label:34s} {figures['rps']:7.0f} req/s  p50 {figures['p50']:7.1f} ms  "
                f"p99 {figures['p99']:7.1f} ms  x{figures['rps'] / floor_rps:.2f} "
                f"of the floor  non-2xx {figures['errors']} {figures['socket_errors']}",
                flush=True,
            )

        session = requests.Session()
        session.headers.update(bearer)
        median, worst, statuses = single_latency(session, base + "/dossiers?limit=20", 20)
        print(
            f"GET /dossiers?limit=20 (one at a time)  p50 {median:7.1f} ms  "
            f"max {worst:7.1f} ms  status {statuses}"
        )
        me = staff.get("/me").json()["id"]
        for dossier, rows in zip(dossiers, (100, 100_000), strict=True):
            started = time.perf_counter()
            insert_documents(system.var, dossier, me, rows)
            inserted = time.perf_counter() - started
            median, worst, statuses = single_latency(
                session, f"{base}/dossiers/{dossier['id']}/documents?limit=20", 5
            )
            print(
                f"GET documents, {rows:>7,} rows (limit=20)  p50 {median:7.1f} ms  "
                f"max {worst:7.1f} ms  status {statuses}  (rows inserted in "
                f"{inserted:.1f} s)",
                flush=True,
            )
        client_list(staff, office, session, base)
    return 0


def client_list(staff, office, session, base):
    """GET /clients one at a time, with the office's clients counting 100 and then 2,000:
    the names and addresses are sealed (docs/security.md), so the list is opened,
    searched and sorted in dossier, not in SQL."""
    made = 1
    for total in (100, 2000):
        with ThreadPoolExecutor(8) as pool:
            list(
                pool.map(
                    lambda n: _client(staff, office, name=f"Klant {n:05d}"), range(made, total)
                )
            )
        made = total
        for query in ("limit=50", "q=klant%2001999&limit=50"):
            median, worst, statuses = single_latency(session, f"{base}/clients?{query}", 10)
            print(
                f"GET /clients?{query:24s} {total:>5,} clients  p50 {median:7.1f} ms  "
                f"max {worst:7.1f} ms  status {statuses}",
                flush=True,
            )


if __name__ == "__main__":
    sys.exit(main())
