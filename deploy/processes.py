"""Processes that are started, restarted and stopped as one group: what `make run`
(deploy/supervisor.py) and the test suite's systems are made of, with no knowledge of
which processes they are.

A process that exits unexpectedly is started again after a backoff (1 s, doubling up to
30 s, back to 1 s once it has stayed up 60 s), with one log line saying which, how it
ended and when it comes back. Stopping sends SIGTERM to each process group and SIGKILL
to what is left after a timeout, or at once when hurried."""

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BACKOFF_FIRST_S, BACKOFF_MOST_S, BACKOFF_RESET_S = 1, 30, 60


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _die_with_parent():
    """In the child: get SIGTERM when the supervisor dies, so nothing is left behind."""
    import ctypes

    try:
        ctypes.CDLL("libc.so.6").prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except OSError:
        pass


class Processes:
    """Named processes, run from the repository's root with `env`, each logging to
    `log_dir`/name.log (or to the supervisor's own output without one)."""

    def __init__(self, env, log_dir=None):
        self.env = env
        self.log_dir = Path(log_dir) if log_dir else None
        self.processes = {}  # name -> its Popen (the last one, when it has exited)
        self.specs = {}  # name -> (argv, env): what supervise() starts again
        self._started = {}  # name -> when it was last started (time.monotonic)
        self._backoff = {}  # name -> seconds before its next restart
        self._due = {}  # name -> when its pending restart is due
        self._hurry = False

    def spawn(self, name, argv, env=None):
        """Starts a process of its own (own process group, SIGTERM when the supervisor
        dies), logging to log_dir/name.log, and supervises it until stop(name)."""
        output = None
        if self.log_dir:
            self.log_dir.mkdir(parents=True, exist_ok=True)
            output = open(self.log_dir / f"{name}.log", "ab")  # noqa: SIM115 (the child's, for its life)
        self.specs[name] = (argv, env)
        self._due.pop(name, None)
        try:
            self.processes[name] = subprocess.Popen(
                argv,
                cwd=ROOT,
                env=env or self.env,
                stdout=output,
                stderr=subprocess.STDOUT if output else None,
                start_new_session=True,
                preexec_fn=_die_with_parent,  # noqa: PLW1509 (one prctl call, no lock taken)
            )
        finally:
            if output:
                output.close()  # the child has its own copy
        self._started[name] = time.monotonic()

    def check_alive(self):
        for name, process in self.processes.items():
            if process.poll() is not None:
                raise SystemExit(f"kluis: {name} {ended(process.returncode)}")

    def supervise(self):
        """One round of supervision (main() calls it twice a second): a process that
        has exited is started again after its backoff, with a log line."""
        now = time.monotonic()
        for name, process in list(self.processes.items()):
            if name in self.specs and name not in self._due:
                self._check(name, process, now)
        for name, due in list(self._due.items()):
            if now >= due:
                self.spawn(name, *self.specs[name])
                _say(f"kluis: restarted {name} (pid {self.processes[name].pid})")

    def _check(self, name, process, now):
        """A running process that has stayed up long enough gets the first backoff
        again; one that has exited gets its restart planned."""
        if process.poll() is None:
            if now - self._started[name] >= BACKOFF_RESET_S:
                self._backoff.pop(name, None)
            return
        delay = self._backoff.get(name, BACKOFF_FIRST_S)
        self._backoff[name] = min(delay * 2, BACKOFF_MOST_S)
        self._due[name] = now + delay
        _say(f"kluis: {name} {ended(process.returncode)}; restarting it in {delay} s")

    def stop(self, name, sig=signal.SIGTERM, timeout=15):
        """Ends `name` with `sig` (SIGKILL after `timeout`); it stays stopped until it is
        started again."""
        self.specs.pop(name, None)
        self._due.pop(name, None)
        process = self.processes.pop(name)
        if process.poll() is None:
            _signal(process, sig)
        _reap([process], timeout)

    def hurry(self):
        """A stop in progress SIGKILLs what is left at once (a second Ctrl-C/SIGTERM)."""
        self._hurry = True

    def stop_all(self, timeout=20):
        """SIGTERM to every process at once (each stops gracefully in parallel), then
        SIGKILL to whatever is still running after `timeout` or hurry()."""
        self.specs.clear()
        self._due.clear()
        processes = list(self.processes.values())
        self.processes.clear()
        for process in processes:
            if process.poll() is None:
                _signal(process, signal.SIGTERM)
        _reap(processes, timeout, lambda: self._hurry)


def ended(returncode):
    """How a process ended, for a log line."""
    if returncode < 0:
        try:
            return f"was killed by {signal.Signals(-returncode).name}"
        except ValueError:
            return f"was killed by signal {-returncode}"
    return f"exited with code {returncode}"


def _say(line):
    print(line, file=sys.stderr, flush=True)


def _signal(process, sig):
    try:
        os.killpg(process.pid, sig)
    except ProcessLookupError:
        pass


def _reap(processes, timeout, hurried=lambda: False):
    """Waits until `processes` have ended, at most `timeout` seconds or until
    hurried(); then SIGKILLs the process group of each still running, and reaps all.
    (A part's own children die with it: services/common/child_process.py.)"""
    deadline = time.monotonic() + timeout
    while (
        time.monotonic() < deadline
        and not hurried()
        and any(process.poll() is None for process in processes)
    ):
        time.sleep(0.05)
    for process in processes:
        if process.poll() is None:
            _signal(process, signal.SIGKILL)
    for process in processes:
        process.wait()
