"""Benchmark: sign-in and authenticated requests through the whole system.

    .venv/bin/python -m tests.perf.bench_auth [--requests 2000] [--concurrency 20]

Starts a throwaway system (its own vhost on the local RabbitMQ, SQLite under a temp
folder), then prints requests per second and latency percentiles for
GET /health, GET /auth/session (one RPC) and GET /me (two RPCs). Figures, not a test.
"""

import argparse
import statistics
import sys
import time

import eventlet

eventlet.monkey_patch()

import requests  # noqa: E402

from tests.perf.bench_system import throwaway_system  # noqa: E402
from tests.systems import ADMIN_EMAIL, ADMIN_PASSWORD  # noqa: E402


def measure(url, headers, total, concurrency):
    session = requests.Session()
    latencies = []

    def one(_):
        started = time.perf_counter()
        response = session.get(url, headers=headers, timeout=30)
        latencies.append(time.perf_counter() - started)
        return response.status_code

    started = time.perf_counter()
    codes = list(eventlet.GreenPool(concurrency).imap(one, range(total)))
    elapsed = time.perf_counter() - started
    latencies.sort()
    return {
        "rps": total / elapsed,
        "p50_ms": statistics.median(latencies) * 1000,
        "p95_ms": latencies[int(len(latencies) * 0.95)] * 1000,
        "ok": sum(1 for c in codes if c == 200),
    }


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=20)
    args = parser.parse_args()
    with throwaway_system("bench-auth") as system:
        base = system.base_url
        started = time.perf_counter()
        token = requests.post(
            base + "/auth/login", json={"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD}
        ).json()["token"]
        print(f"login (argon2id): {(time.perf_counter() - started) * 1000:.0f} ms")
        bearer = {"Authorization": f"Bearer {token}"}
        for name, path, headers in (
            ("GET /health (5 RPCs)", "/health", {}),
            ("GET /auth/session (1 RPC)", "/auth/session", bearer),
            ("GET /me (2 RPCs)", "/me", bearer),
        ):
            figures = measure(base + path, headers, args.requests, args.concurrency)
            print(
                f"{name:28s} {figures['rps']:8.0f} req/s  p50 {figures['p50_ms']:6.1f} ms  "
                f"p95 {figures['p95_ms']:6.1f} ms  ok {figures['ok']}/{args.requests}"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
