"""Supervision under `make run` (docs/operations.md "Supervision and replicas"): a part
that dies is restarted with backoff and a log line while the system keeps serving;
stopping stops everything within a bounded time, however often it is asked, also for a
service whose broker has gone."""

import os
import re
import signal
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

import requests

from deploy.processes import ROOT, free_port
from deploy.system import PARTS

from ..conftest import RABBIT_MANAGEMENT
from ..systems import ADMIN_EMAIL, ADMIN_PASSWORD, Mailbox
from .test_running import _alive, _descendants, _env


def _wait(condition, timeout, message):
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, message()
        time.sleep(0.1)


@contextmanager
def make_run(tmp_path, vhosts, label, **env):
    """`python -m deploy.supervisor` (what `make run` runs) in a session of its own, as
    a service manager or `timeout` starts it: -> (process, port, output file, AMQP URI),
    once it says it is running. Killed on the way out, with whatever it left."""
    port, output, amqp_uri = free_port(), tmp_path / f"{label}.out", vhosts.create(label)
    with open(output, "wb") as sink:
        process = subprocess.Popen(
            [sys.executable, "-m", "deploy.supervisor"],
            cwd=ROOT,
            stdout=sink,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            env=_env(
                KLUIS_VAR=str(tmp_path / "var"),
                AMQP_URI=amqp_uri,
                WEB_SERVER_ADDRESS=f"127.0.0.1:{port}",
                KLUIS_ADMIN_EMAIL=ADMIN_EMAIL,
                KLUIS_ADMIN_PASSWORD=ADMIN_PASSWORD,
                **env,
            ),
        )
    children = []
    try:
        _wait(
            lambda: b"Kluis is running at" in output.read_bytes() or process.poll() is not None,
            120,
            output.read_text,
        )
        assert process.poll() is None, output.read_text()
        children.extend(_descendants(process.pid))
        yield process, port, output, amqp_uri
    finally:
        children.extend(_descendants(process.pid))
        for pid in children:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        if process.poll() is None:
            process.kill()
        process.wait()


def _remove_vhost(amqp_uri):
    vhost = amqp_uri.rsplit("/", 1)[1]  # quoted already
    requests.delete(
        f"{RABBIT_MANAGEMENT}/api/vhosts/{vhost}", auth=("guest", "guest"), timeout=10
    ).raise_for_status()


def _part_pid(supervisor_pid, config):
    """The pid of the process under the supervisor that runs with `config`, or None."""
    for pid in _descendants(supervisor_pid):
        try:
            argv = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if config.encode() in argv and _alive(pid):
            return pid
    return None


def _healthy(api):
    try:
        return requests.get(api + "/health", timeout=10).status_code == 200
    except requests.ConnectionError:  # the gateway itself is being restarted
        return False


def test_a_killed_service_is_restarted_and_nothing_accepted_is_lost(tmp_path, vhosts):
    with make_run(tmp_path, vhosts, "restart") as (process, port, output, _):
        api = f"http://127.0.0.1:{port}/api/v1"
        for part in PARTS:  # every one of them, the gateway too
            config = "gateway/config.yaml" if part == "gateway" else f"services/{part}/config.yaml"
            before = _part_pid(process.pid, config)
            os.kill(before, signal.SIGKILL)
            if part == "notify":  # accepted while notify is down: sent once it is back
                assert (
                    requests.post(
                        api + "/auth/password/forgot", json={"email": ADMIN_EMAIL}, timeout=30
                    ).status_code
                    < 300
                )
            _wait(
                lambda: (
                    f"kluis: {part} was killed by SIGKILL; restarting it in 1 s"
                    in output.read_text()
                ),
                30,
                output.read_text,
            )
            _wait(
                lambda: _part_pid(process.pid, config) not in (None, before), 30, output.read_text
            )
        _wait(lambda: _healthy(api), 60, output.read_text)
        Mailbox(tmp_path / "var" / "mail").wait_for(ADMIN_EMAIL, timeout=60)
        assert process.poll() is None


def test_sigterm_to_the_process_group_twice_stops_everything(tmp_path, vhosts):
    """What `timeout`, systemd or `kill -TERM -PGID` send, and then once more during the
    stop: the second signal only hurries the stop, nothing is left."""
    with make_run(tmp_path, vhosts, "twice") as (process, _, output, _):
        children = _descendants(process.pid)
        assert len(children) >= 7  # five services, the gateway, the SMTP sink
        os.killpg(process.pid, signal.SIGTERM)
        _wait(lambda: b"kluis: stopping" in output.read_bytes(), 10, output.read_text)
        os.killpg(process.pid, signal.SIGTERM)
        assert process.wait(timeout=30) == 0, output.read_text()
        assert "Traceback" not in output.read_text()
        _wait(
            lambda: not any(_alive(pid) for pid in children),
            10,
            lambda: f"left running: {[pid for pid in children if _alive(pid)]}",
        )


def test_parts_whose_broker_has_gone_end_when_the_supervisor_is_killed(tmp_path, vhosts):
    """How orphans piled up: the vhost removed, the supervisor SIGKILLed (a test's
    teardown). Each part gets SIGTERM as its parent dies, and must end while it is
    reconnecting."""
    with make_run(tmp_path, vhosts, "orphans", KLUIS_STOP_GRACE_S="3") as (
        process,
        _,
        output,
        amqp_uri,
    ):
        children = _descendants(process.pid)
        _remove_vhost(amqp_uri)
        _wait(
            lambda: output.read_text().count("trying to re-establish") >= 6, 60, output.read_text
        )  # the services are reconnecting
        process.kill()
        process.wait()
        _wait(
            lambda: not any(_alive(pid) for pid in children),
            20,
            lambda: f"left running: {[pid for pid in children if _alive(pid)]}",
        )


def test_a_service_whose_broker_has_gone_still_exits_on_sigterm(tmp_path, vhosts):
    amqp_uri = vhosts.create("gone")
    vhost = amqp_uri.rsplit("/", 1)[1]
    config = tmp_path / "floor.yaml"
    config.write_text(f"AMQP_URI: '{amqp_uri}'\n")
    with open(tmp_path / "floor.log", "wb") as log:
        service = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "services.common.nameko_cli",
                "run",
                "--config",
                str(config),
                "tests.perf.floor_service:FloorRpc",
            ],
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
            env={**_env(KLUIS_STOP_GRACE_S="3"), "PYTHONPATH": str(ROOT)},
        )
    try:

        def consuming():
            response = requests.get(
                f"{RABBIT_MANAGEMENT}/api/queues/{vhost}/rpc-floor_rpc",
                auth=("guest", "guest"),
                timeout=10,
            )
            return response.status_code == 200 and response.json().get("consumers")

        _wait(consuming, 60, (tmp_path / "floor.log").read_text)
        requests.delete(
            f"{RABBIT_MANAGEMENT}/api/vhosts/{quote(vhost, safe='')}",
            auth=("guest", "guest"),
            timeout=10,
        ).raise_for_status()
        _wait(
            lambda: re.search(r"(?i)connect|error", (tmp_path / "floor.log").read_text()),
            30,
            (tmp_path / "floor.log").read_text,
        )  # it noticed, and is reconnecting
        service.send_signal(signal.SIGTERM)
        service.wait(timeout=15)  # 3 s of grace, and the slack of a busy machine
    finally:
        if service.poll() is None:
            service.kill()
            service.wait()
