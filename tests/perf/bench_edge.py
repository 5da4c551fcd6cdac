"""Benchmark: the HTTP edge under slow clients and stalled uploads (issue #14).

    .venv/bin/python -m tests.perf.bench_edge [--requests 300] [--concurrency 5]

Starts a throwaway system with the default settings (services/common/web_server.py)
and the bare nameko floor (tests/perf/floor_service.py; measured: GET /floor/bare, an
`@http` handler that makes no RPC: eventlet's server, no Kluis), then prints
the latency (p50/p95/max) of GET /health and a signed-in GET /me: on an idle system,
while 60 slow connections are held (50 sign-ins whose body never finishes, 5 with
unfinished headers, 5 silent), and while 12 uploads stall (three accounts x four).
Figures, not a test: the only check is that every request answered 200.
"""

import argparse
import statistics
import sys
import time
from contextlib import ExitStack

import eventlet

eventlet.monkey_patch()

import requests  # noqa: E402

from tests.e2e.staff_app import Office  # noqa: E402
from tests.e2e.test_clients import _client  # noqa: E402
from tests.e2e.test_edge import (  # noqa: E402
    connect,
    partial_headers,
    partial_json_post,
    stalled_upload,
    token_of,
)
from tests.perf.bench_system import start_floor, throwaway_system  # noqa: E402
from tests.systems import Kluis  # noqa: E402


def measure(url, headers, total, concurrency):
    session = requests.Session()
    latencies, codes = [], []

    def one(_):
        started = time.perf_counter()
        codes.append(session.get(url, headers=headers, timeout=30).status_code)
        latencies.append(time.perf_counter() - started)

    list(eventlet.GreenPool(concurrency).imap(one, range(total)))
    latencies.sort()
    return {
        "p50": statistics.median(latencies) * 1000,
        "p95": latencies[int(len(latencies) * 0.95)] * 1000,
        "max": latencies[-1] * 1000,
        "ok": codes.count(200),
        "total": total,
    }


def report(label, figures):
    print(
        f"{label:44s} p50 {figures['p50']:7.1f} ms  p95 {figures['p95']:7.1f} ms  "
        f"max {figures['max']:7.1f} ms  ok {figures['ok']}/{figures['total']}",
        flush=True,
    )
    assert figures["ok"] == figures["total"], label


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--concurrency", type=int, default=5)
    args = parser.parse_args()
    with throwaway_system("bench-edge") as system, start_floor(system) as floor:
        floor_url = floor + "/floor/bare"
        kluis = Kluis(system)
        office = Office(kluis, kluis.admin())
        staff = [office.staffed("owner")[1] for _ in range(3)]
        client = _client(staff[0], office)
        dossier = (
            staff[0]
            .post(
                f"/clients/{client['id']}/dossiers", json={"number": "B-1", "description": "Bench"}
            )
            .json()
        )
        bearer = {"Authorization": staff[0].session.headers["Authorization"]}

        def run(situation):
            report(
                f"bare nameko @http ({situation})",
                measure(floor_url, {}, args.requests, args.concurrency),
            )
            report(
                f"GET /health ({situation})",
                measure(system.base_url + "/health", {}, args.requests, args.concurrency),
            )
            report(
                f"GET /me ({situation})",
                measure(system.base_url + "/me", bearer, args.requests, args.concurrency),
            )

        run("idle")
        with ExitStack() as sockets:
            [partial_json_post(kluis, sockets) for _ in range(50)]
            [partial_headers(kluis, sockets) for _ in range(5)]
            [connect(kluis, sockets) for _ in range(5)]
            run("60 slow connections")
        with ExitStack() as sockets:
            for who in staff:
                for _ in range(4):
                    stalled_upload(kluis, sockets, token_of(who), dossier["id"])
            time.sleep(1)  # until they reach documents (figures, not a check)
            run("12 stalled uploads")
    return 0


if __name__ == "__main__":
    sys.exit(main())
