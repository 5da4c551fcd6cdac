"""What the benchmarks in tests/perf share: a throwaway Kluis system, and beside it the
bare nameko floor (tests/perf/floor_service.py), each started, waited for and always
removed again, so that a benchmark is only its own measurement.

    with throwaway_system("bench-http") as system, start_floor(system) as floor:
        ...  # system.base_url + "/health", floor + "/floor"

Importing this module imports tests.conftest, which applies eventlet's monkey patch (as
in the suite): import it before tests.e2e and tests.systems, where a benchmark does not
apply the patch itself."""

import os
import shutil
import sys
import tempfile
import time
import uuid
from contextlib import contextmanager
from pathlib import Path

import requests

from deploy.processes import free_port
from deploy.system import System
from tests.conftest import Vhosts
from tests.systems import ADMIN_EMAIL, ADMIN_PASSWORD


@contextmanager
def throwaway_system(label="bench", **overrides):
    """A started, healthy Kluis system of its own: a fresh vhost on the local RabbitMQ,
    SQLite, blobs and logs under a temp folder, the admin ADMIN_EMAIL / ADMIN_PASSWORD
    (tests.systems). `overrides` are environment variables on top (knobs such as
    LOGIN_MISSES_PER_ADDRESS="1000000"); the caller's KLUIS_* variables are left out so
    that nothing points the system at another folder or URL. On the way out, whatever
    happened, every process is stopped and the vhost and temp folder are removed."""
    vhosts = Vhosts()
    var = tempfile.mkdtemp(prefix=f"kluis-{label}-")
    system = None
    try:
        env = {k: v for k, v in os.environ.items() if not k.startswith("KLUIS_")}
        env.update(
            KLUIS_VAR=var,
            AMQP_URI=vhosts.create(f"{label}-{uuid.uuid4().hex[:6]}"),
            WEB_SERVER_ADDRESS=f"127.0.0.1:{free_port()}",
            KLUIS_ADMIN_EMAIL=ADMIN_EMAIL,
            KLUIS_ADMIN_PASSWORD=ADMIN_PASSWORD,
            **overrides,
        )
        system = System(env, log_dir=Path(var) / "logs")
        system.prepare()
        system.start_all()
        system.wait_healthy(90)
        yield system
    finally:
        if system:
            system.stop_all()
        vhosts.remove_all()
        shutil.rmtree(var, ignore_errors=True)


@contextmanager
def start_floor(system, max_workers=None, timeout=30):
    """The floor (tests/perf/floor_service.py) on the system's vhost, as one more part
    of `system` (log in its logs folder, stopped with it): -> its base URL, once
    GET /floor answers 200. `max_workers` as the gateway's, where a benchmark loads both
    alike (nameko's default, 10, when None). Stopped on the way out."""
    address = f"127.0.0.1:{free_port()}"
    config = system.var / "floor.yaml"
    config.write_text(
        f"AMQP_URI: '{system.env['AMQP_URI']}'\nWEB_SERVER_ADDRESS: '{address}'\n"
        + (f"max_workers: {max_workers}\n" if max_workers else "")
    )
    # spawn: the supervisor's own way to start a part (its own process group, ended
    # with the supervisor), so that stop() and stop_all() end the floor as they end Kluis.
    system.spawn(
        "floor",
        [
            sys.executable,
            "-m",
            "services.common.nameko_cli",
            "run",
            "--config",
            str(config),
            "tests.perf.floor_service:FloorRpc",
            "tests.perf.floor_service:FloorHttp",
        ],
    )
    url = f"http://{address}"
    try:
        wait_until_answers(system, "floor", url + "/floor", timeout)
        yield url
    finally:
        if "floor" in system.processes:
            system.stop("floor")


def wait_until_answers(system, part, url, timeout):
    """Until GET `url` of `part` answers 200; SystemExit with the tail of the part's log
    (its temp folder goes on the way out) when it exits or after `timeout` seconds."""
    process, deadline = system.processes[part], time.monotonic() + timeout
    while process.poll() is None and time.monotonic() < deadline:
        try:
            if requests.get(url, timeout=5).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.2)
    log = (system.log_dir / f"{part}.log").read_text(errors="replace")[-2000:]
    raise SystemExit(
        f"{part} did not answer 200 at {url} within {timeout} s "
        f"(exit code {process.poll()}):\n{log}"
    )
