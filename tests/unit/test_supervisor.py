"""The supervisor's own rules (deploy/processes.py, deploy/system.py; docs/operations.md
"Supervision and replicas"): the restart backoff and KLUIS_SCALE.
tests/e2e/test_supervision.py and test_replicas.py run them in whole systems."""

import re
import sys
import time

import pytest

from deploy import processes, supervisor
from deploy.system import System, instances, parse_scale


@pytest.fixture
def system(tmp_path):
    system = System({"PATH": "/usr/bin:/bin", "KLUIS_VAR": str(tmp_path)})
    yield system
    system.stop_all(timeout=5)


def restart_delays(system, capsys, count, timeout=30):
    """Supervises until `count` restarts were announced: -> (their delays, the lines)."""
    lines, deadline = [], time.monotonic() + timeout
    while len(lines) < count:
        assert time.monotonic() < deadline, lines
        system.supervise()
        lines += [line for line in capsys.readouterr().err.splitlines() if "restarting" in line]
        time.sleep(0.05)
    return [int(re.search(r"in (\d+) s$", line).group(1)) for line in lines], lines


def test_a_part_that_keeps_dying_is_restarted_with_a_doubling_capped_backoff(
    system, capsys, monkeypatch
):
    monkeypatch.setattr(processes, "BACKOFF_MOST_S", 2)
    system.spawn("dies", [sys.executable, "-c", "raise SystemExit(3)"])
    delays, lines = restart_delays(system, capsys, 3)
    assert delays == [1, 2, 2]
    assert lines[0] == "kluis: dies exited with code 3; restarting it in 1 s"


def test_the_backoff_starts_again_once_a_part_has_stayed_up(system, capsys, monkeypatch):
    monkeypatch.setattr(processes, "BACKOFF_RESET_S", 0.3)
    system.spawn("lives", [sys.executable, "-c", "import time; time.sleep(1); exit(3)"])
    delays, _ = restart_delays(system, capsys, 2)
    assert delays == [1, 1]


def test_a_part_stopped_on_purpose_is_not_restarted(system, capsys):
    system.spawn("stopped", [sys.executable, "-c", "import time; time.sleep(60)"])
    system.stop("stopped")
    system.supervise()
    assert "stopped" not in system.processes and capsys.readouterr().err == ""


def test_kluis_scale_names_instances_per_part():
    assert parse_scale(" gateway=2, documents=2,dossier=3 ") == {
        "gateway": 2,
        "documents": 2,
        "dossier": 3,
    }
    assert parse_scale("") == {} and parse_scale(None) == {}
    assert instances("documents", 3) == ["documents", "documents-2", "documents-3"]


@pytest.mark.parametrize(
    "value",
    [
        "gateway",
        "gateway=0",
        "gateway=17",
        "gateway=-1",
        "gateway=two",
        "web=2",
        "gateway=2,gateway=3",
        "gateway=²",
        "gateway=٢",
    ],
)
def test_a_bad_kluis_scale_says_what_is_wrong(value):
    with pytest.raises(SystemExit, match=r"^kluis: KLUIS_SCALE=.* is not part=n"):
        parse_scale(value)


def test_each_documents_instance_has_its_own_blob_endpoint_and_consumers_know_all(tmp_path):
    system = System(
        {
            "PATH": "/usr/bin",
            "KLUIS_VAR": str(tmp_path),
            "KLUIS_SCALE": "documents=3",
            "DOCUMENTS_BLOB_ADDRESS": "0.0.0.0:8001",
        }
    )
    addresses = [
        system.part_env(name)["DOCUMENTS_BLOB_ADDRESS"] for name in instances("documents", 3)
    ]
    assert addresses[0] == "0.0.0.0:8001" and len(set(addresses)) == 3
    assert all(address.startswith("0.0.0.0:") for address in addresses)
    assert system.env["DOCUMENTS_BLOB_URL"] == ",".join(
        f"http://127.0.0.1:{address.rsplit(':', 1)[1]}" for address in addresses
    )


def test_each_instance_serves_its_metrics_on_a_port_of_its_own(tmp_path):
    system = System(
        {
            "PATH": "/usr/bin",
            "KLUIS_VAR": str(tmp_path),
            "KLUIS_SCALE": "dossier=3",
            "DOSSIER_METRICS_ADDRESS": "127.0.0.1:9101",
        }
    )
    assert [
        system.part_env(name)["DOSSIER_METRICS_ADDRESS"] for name in instances("dossier", 3)
    ] == ["127.0.0.1:9101", "127.0.0.1:9102", "127.0.0.1:9103"]
    assert "IDENTITY_METRICS_ADDRESS" not in system.part_env("identity")  # off unless set


@pytest.mark.parametrize("value,seconds", [("", 10), ("3", 3), ("2.5", 3)])
def test_the_stop_grace_of_a_service(monkeypatch, value, seconds):
    from services.common.nameko_cli import stop_grace_s

    monkeypatch.setenv("KLUIS_STOP_GRACE_S", value)
    assert stop_grace_s() == seconds


@pytest.mark.parametrize("value", ["abc", "0", "0.5", "-1", "nan", "inf", "3601"])
def test_a_bad_stop_grace_says_what_is_wrong(monkeypatch, value):
    from services.common.nameko_cli import stop_grace_s

    monkeypatch.setenv("KLUIS_STOP_GRACE_S", value)
    with pytest.raises(SystemExit, match="KLUIS_STOP_GRACE_S must be a number of seconds"):
        stop_grace_s()


def test_every_password_of_a_failover_list_is_masked():
    """AMQP_URI may list a cluster's nodes (kombu's failover, "a;b;c"): the message
    that says RabbitMQ is not reachable shows none of their passwords."""
    uri = (
        "amqp://kluis:geheim1@10.0.0.1:5672/kluis;amqp://kluis:geheim2@10.0.0.2:5672/kluis;"
        "amqp://kluis:geheim3@10.0.0.3:5672/kluis"
    )
    shown = supervisor.masked(uri)
    assert "geheim" not in shown
    assert shown.split(";") == [f"amqp://kluis:***@10.0.0.{n}:5672/kluis" for n in (1, 2, 3)]
    assert (
        supervisor.masked("amqp://guest:guest@127.0.0.1:5672/")
        == "amqp://guest:***@127.0.0.1:5672/"
    )
