"""services/common/alive.py: the exec liveness check of the parts without an HTTP port."""

import os
import subprocess
import sys

from services.common.alive import problem


def fake_proc(tmp_path, argv, state="S (sleeping)"):
    (tmp_path / "cmdline").write_bytes(b"\0".join(a.encode() for a in argv) + b"\0")
    (tmp_path / "status").write_text(f"Name:\tpython\nState:\t{state}\nPid:\t1\n")
    return tmp_path


NOTIFY = [
    "python",
    "-m",
    "services.common.nameko_cli",
    "run",
    "--config",
    "services/notify/config.yaml",
    "services.notify.service:NotifyService",
]


def test_the_parts_own_running_process_is_alive(tmp_path):
    assert problem("notify", fake_proc(tmp_path, NOTIFY)) is None


def test_another_process_is_not(tmp_path):
    assert "not identity's nameko run" in problem("identity", fake_proc(tmp_path, NOTIFY))
    assert "not notify's" in problem("notify", fake_proc(tmp_path, ["sleep", "1000"]))


def test_a_zombie_or_stopped_process_is_not(tmp_path):
    assert "state Z" in problem("notify", fake_proc(tmp_path, NOTIFY, "Z (zombie)"))
    assert "state T" in problem("notify", fake_proc(tmp_path, NOTIFY, "T (stopped)"))


def test_bad_input_is_named(tmp_path):
    assert "unknown part 'mailsink'" in problem("mailsink", tmp_path)
    assert "cannot read" in problem("notify", tmp_path / "absent")


def test_the_command_exits_1_with_the_reason_when_pid_1_is_not_the_part():
    done = subprocess.run(
        [sys.executable, "-m", "services.common.alive", "notify"],
        capture_output=True,
        text=True,
        timeout=30,
        cwd=os.path.dirname(os.path.dirname(os.path.dirname(__file__))),
    )
    assert done.returncode == 1
    assert done.stderr.startswith("not alive: ")
