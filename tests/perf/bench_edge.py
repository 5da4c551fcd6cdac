"""Benchmark: the HTTP edge under slow clients and stalled uploads (issue #14).

    .venv/bin/python -m tests.perf.bench_edge [--requests 300] [--concurrency 5]

Starts a throwaway system with the default settings (services/common/web_server.py)
and a bare nameko `@http` service (the floor: eventlet's server, no Kluis), then prints
the latency (p50/p95/max) of GET /health and a signed-in GET /me: on an idle system,
while 60 slow connections are held (50 sign-ins whose body never finishes, 5 with
unfinished headers, 5 silent), and while 12 uploads stall (three accounts x four).
Figures, not a test: the only check is that every request answered 200.
"""
import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from contextlib import ExitStack
from pathlib import Path

import eventlet

eventlet.monkey_patch()

import requests  # noqa: E402
from nameko.web.handlers import http  # noqa: E402

from deploy.supervisor import ROOT, System, free_port  # noqa: E402
from tests.conftest import Vhosts  # noqa: E402
from tests.e2e.staff_app import Office  # noqa: E402
from tests.e2e.test_clients import _client  # noqa: E402
from tests.e2e.test_edge import (connect, partial_headers, partial_json_post,  # noqa: E402
                                 stalled_upload, token_of)
from tests.systems import ADMIN_EMAIL, ADMIN_PASSWORD, Kluis  # noqa: E402


class Floor:
    """The bare nameko floor: one `@http` handler that does nothing."""
    name = "floor"

    @http("GET", "/floor")
    def floor(self, request):
        return "ok"


def start_floor(amqp_uri, var):
    address = f"127.0.0.1:{free_port()}"
    config = Path(var) / "floor.yaml"
    config.write_text(f"AMQP_URI: '{amqp_uri}'\nWEB_SERVER_ADDRESS: '{address}'\n")
    process = subprocess.Popen(
        [sys.executable, "-m", "services.common.nameko_cli", "run", "--config", str(config),
         "tests.perf.bench_edge:Floor"], cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    url = f"http://{address}/floor"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if requests.get(url, timeout=1).status_code == 200:
                return process, url
        except requests.RequestException:
            time.sleep(0.2)
    process.kill()
    raise SystemExit("the floor service did not start")


def measure(url, headers, total, concurrency):
    session = requests.Session()
    latencies, codes = [], []

    def one(_):
        started = time.perf_counter()
        codes.append(session.get(url, headers=headers, timeout=30).status_code)
        latencies.append(time.perf_counter() - started)

    list(eventlet.GreenPool(concurrency).imap(one, range(total)))
    latencies.sort()
    return {"p50": statistics.median(latencies) * 1000,
            "p95": latencies[int(len(latencies) * 0.95)] * 1000,
            "max": latencies[-1] * 1000, "ok": codes.count(200), "total": total}


def report(label, figures):
    print(f"{label:44s} p50 {figures['p50']:7.1f} ms  p95 {figures['p95']:7.1f} ms  "
          f"max {figures['max']:7.1f} ms  ok {figures['ok']}/{figures['total']}", flush=True)
    assert figures["ok"] == figures["total"], label


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--concurrency", type=int, default=5)
    args = parser.parse_args()
    vhosts = Vhosts()
    var = tempfile.mkdtemp(prefix="kluis-bench-edge-")
    env = {**os.environ, "KLUIS_VAR": var,
           "AMQP_URI": vhosts.create(f"bench-edge-{uuid.uuid4().hex[:6]}"),
           "WEB_SERVER_ADDRESS": f"127.0.0.1:{free_port()}", "KLUIS_ADMIN_EMAIL": ADMIN_EMAIL,
           "KLUIS_ADMIN_PASSWORD": ADMIN_PASSWORD}
    system, floor = System(env, log_dir=f"{var}/logs"), None
    try:
        system.prepare()
        system.start_all()
        system.wait_healthy(90)
        floor, floor_url = start_floor(env["AMQP_URI"], var)
        kluis = Kluis(system)
        office = Office(kluis, kluis.admin())
        staff = [office.staffed("owner")[1] for _ in range(3)]
        client = _client(staff[0], office)
        dossier = staff[0].post(f"/clients/{client['id']}/dossiers", json={
            "number": "B-1", "description": "Bench"}).json()
        bearer = {"Authorization": staff[0].session.headers["Authorization"]}

        def run(situation):
            report(f"bare nameko @http ({situation})",
                   measure(floor_url, {}, args.requests, args.concurrency))
            report(f"GET /health ({situation})",
                   measure(system.base_url + "/health", {}, args.requests, args.concurrency))
            report(f"GET /me ({situation})",
                   measure(system.base_url + "/me", bearer, args.requests, args.concurrency))

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
    finally:
        if floor:
            floor.kill()
            floor.wait()
        system.stop_all()
        vhosts.remove_all()
    return 0


if __name__ == "__main__":
    sys.exit(main())
