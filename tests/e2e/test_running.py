"""docs/api.md "Running": `make run` (deploy.supervisor) starts and stops everything, says
clearly when RabbitMQ is missing, and two systems run side by side."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from deploy.processes import ROOT, free_port
from gateway.portal import CONTENT_SECURITY_POLICY

from .conftest import ADMIN_EMAIL, ADMIN_PASSWORD, KLUIS_KNOBS


def _env(**values):
    env = {
        k: v
        for k, v in os.environ.items()
        if not any(k.startswith(p) or k.endswith(p) for p in KLUIS_KNOBS)
    }
    env.update(values)
    return env


def _descendants(pid):
    children = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found, pending = [], [pid]
    while pending:
        for child in children.get(pending.pop(), []):
            found.append(child)
            pending.append(child)
    return found


def _alive(pid):
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def test_without_rabbitmq_it_says_so_in_one_line_and_exits_non_zero(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "deploy.supervisor"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        env=_env(KLUIS_VAR=str(tmp_path), AMQP_URI="amqp://guest:s3cret@127.0.0.1:1/"),
    )
    assert result.returncode != 0
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1
    assert "RabbitMQ is not reachable at amqp://guest:***@127.0.0.1:1/" in lines[0]
    assert "rabbitmq-server" in lines[0] and "s3cret" not in result.stderr


@pytest.mark.parametrize("stop_signal", [signal.SIGTERM, signal.SIGINT])
def test_make_run_starts_everything_and_stops_leaving_nothing(tmp_path, vhosts, stop_signal):
    port = free_port()
    output = tmp_path / "run.out"
    with open(output, "wb") as sink:
        process = subprocess.Popen(
            [sys.executable, "-m", "deploy.supervisor"],
            cwd=ROOT,
            stdout=sink,
            stderr=subprocess.STDOUT,
            env=_env(
                KLUIS_VAR=str(tmp_path / "var"),
                AMQP_URI=vhosts.create(f"run{stop_signal}"),
                WEB_SERVER_ADDRESS=f"127.0.0.1:{port}",
                KLUIS_ADMIN_EMAIL=ADMIN_EMAIL,
                KLUIS_ADMIN_PASSWORD=ADMIN_PASSWORD,
            ),
        )
    try:
        deadline = time.monotonic() + 90
        while b"Kluis is running at" not in output.read_bytes():
            assert process.poll() is None, output.read_text()
            assert time.monotonic() < deadline, output.read_text()
            time.sleep(0.2)
        assert f"Kluis is running at http://localhost:{port}/ " in output.read_text()
        assert f"reference: http://localhost:{port}/api/v1/docs;" in output.read_text()
        portal = requests.get(f"http://127.0.0.1:{port}/", timeout=10)
        assert portal.status_code == 200 and '<div id="app">' in portal.text
        assert "default-src 'self'" in portal.headers["Content-Security-Policy"]
        reference = requests.get(f"http://127.0.0.1:{port}/api/v1/docs", timeout=10)
        assert reference.status_code == 200
        assert reference.headers["Content-Type"] == "text/html; charset=utf-8"
        assert reference.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
        assert "//" not in reference.text  # no URL of another origin, not even scheme-less
        assert 'src="/assets/' in reference.text
        children = _descendants(process.pid)
        assert len(children) >= 7  # five services, the gateway, the SMTP sink
        for name in ("identity.db", "dossier.db", "documents.db", "notify.db", "signing.db"):
            assert (tmp_path / "var" / name).exists()
        process.send_signal(stop_signal)
        assert process.wait(timeout=60) == 0
        deadline = time.monotonic() + 10
        while any(_alive(pid) for pid in children) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert [pid for pid in children if _alive(pid)] == []
    finally:
        if process.poll() is None:
            process.kill()


def test_two_systems_run_side_by_side(kluis, pg_kluis):
    assert kluis.base_url != pg_kluis.base_url
    assert kluis.system.env["AMQP_URI"] != pg_kluis.system.env["AMQP_URI"]
    assert kluis.client().get("/health").status_code == 200
    assert pg_kluis.client().get("/health").status_code == 200
    address = kluis.create_client()
    kluis.client().post("/auth/password/forgot", json={"email": address})
    kluis.mail.wait_for(address)
    assert pg_kluis.mail.messages(address) == []
    assert (
        pg_kluis.client()
        .post("/auth/login", json={"email": address, "password": "Klant-Wachtwoord-7"})
        .status_code
        == 401
    )
