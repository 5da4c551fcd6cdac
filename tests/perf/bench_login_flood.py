"""Benchmark: another user's GET /me while a flood of anonymous sign-ins runs.

    .venv/bin/python -m tests.perf.bench_login_flood [--threads 24] [--seconds 20]
        [--samples 150] [--unthrottled]

Starts a throwaway system (its own vhost on the local RabbitMQ, SQLite under a temp
folder) and, beside it, the bare nameko floor (tests/perf/floor_service.py: GET /floor,
an @http handler making one RPC to a service that does nothing). Then prints
p50/p95/max of GET /me and of the floor, first at rest and then while `--threads`
threads post wrong passwords for unknown addresses to /auth/login, each thread from its
own loopback source address (127.0.9.n). With the default limits most of the flood is
answered 429 after each address's first misses; `--unthrottled` raises the limits so
that every attempt hashes (what a flood from many addresses looks like to identity).
Figures, not a test.
"""

import argparse
import collections
import os
import statistics
import sys
import threading
import time
import uuid

import requests

from tests.perf.bench_system import start_floor, throwaway_system
from tests.systems import ADMIN_EMAIL, ADMIN_PASSWORD, SourceAddress


def sample(url, headers, count):
    """`count` requests one after the other: -> latencies in ms, and the statuses."""
    session, latencies, statuses = requests.Session(), [], collections.Counter()
    for _ in range(count):
        started = time.perf_counter()
        statuses[session.get(url, headers=headers, timeout=60).status_code] += 1
        latencies.append((time.perf_counter() - started) * 1000)
        time.sleep(0.02)  # a person's pace, not a second flood
    return latencies, statuses


def figures(name, latencies, statuses):
    latencies = sorted(latencies)
    p95 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.95))]
    print(
        f"{name:34s} p50 {statistics.median(latencies):7.1f} ms  p95 {p95:7.1f} ms  "
        f"max {latencies[-1]:7.1f} ms  {dict(statuses)}",
        flush=True,
    )


def flood(base, threads, stop, answers):
    def one(n):
        session = requests.Session()
        session.mount("http://", SourceAddress(f"127.0.9.{n + 1}"))
        while not stop.is_set():
            response = session.post(
                base + "/auth/login",
                json={
                    "email": f"raad-{uuid.uuid4().hex[:8]}@voorbeeld.nl",
                    "password": "Raden-Maar-1234",
                },
                timeout=60,
            )
            answers[response.status_code] += 1

    workers = [threading.Thread(target=one, args=(n,), daemon=True) for n in range(threads)]
    for worker in workers:
        worker.start()
    return workers


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--threads", type=int, default=24)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--samples", type=int, default=150)
    parser.add_argument("--unthrottled", action="store_true")
    args = parser.parse_args()
    unthrottled = (
        {"LOGIN_MISSES_PER_ADDRESS": "1000000", "LOGIN_MISSES_PER_ACCOUNT": "1000000"}
        if args.unthrottled
        else {}
    )
    with throwaway_system("bench-login", **unthrottled) as system, start_floor(system) as floor:
        floor_url = floor + "/floor"
        base = system.base_url
        token = requests.post(
            base + "/auth/login", json={"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD}
        ).json()["token"]
        me, bearer = base + "/me", {"Authorization": f"Bearer {token}"}
        print(
            f"{os.cpu_count()} cores; flood: {args.threads} threads"
            f"{' (unthrottled)' if args.unthrottled else ''}",
            flush=True,
        )
        figures("at rest: floor (1 RPC)", *sample(floor_url, {}, args.samples))
        figures("at rest: GET /me", *sample(me, bearer, args.samples))
        stop, answers = threading.Event(), collections.Counter()
        started = time.perf_counter()
        workers = flood(base, args.threads, stop, answers)
        time.sleep(3)  # the flood is under way
        figures("flood: floor (1 RPC)", *sample(floor_url, {}, args.samples // 2))
        figures("flood: GET /me", *sample(me, bearer, args.samples))
        remaining = args.seconds - (time.perf_counter() - started)
        if remaining > 0:
            time.sleep(remaining)
        stop.set()
        for worker in workers:
            worker.join(60)
        elapsed = time.perf_counter() - started
        print(
            f"flood answers in {elapsed:.0f} s: {dict(answers)} "
            f"({sum(answers.values()) / elapsed:.0f}/s)",
            flush=True,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
