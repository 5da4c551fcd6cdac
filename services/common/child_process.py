"""CPU-heavy work on untrusted input (a PDF to verify, a questionnaire to render) in a
child process, with a wall-clock and a memory limit that really hold.

Why a process: such work is CPU-bound Python. On the service's own event loop it
stops every other request until it ends; in a thread (eventlet.tpool) it still holds
the GIL most of the time, and a thread cannot be stopped from outside. A child process
leaves the service's loop free (eventlet's green subprocess waits without blocking)
and is simply killed when its time is up.

The child is `python -m <module> <args>`: it reads its input from files named in its
arguments and prints one JSON object on stdout (at most MAX_ANSWER bytes)."""

import ctypes
import json
import resource
import signal
import subprocess
import sys

import eventlet

MAX_ANSWER = 64 * 1024
try:
    _LIBC = ctypes.CDLL("libc.so.6")  # loaded here: nothing is imported in the child
except OSError:
    _LIBC = None


class Overrun(Exception):
    """The child ran out of time or memory, or ended without an answer."""


def run_module(module, args, timeout_s, memory_mb):
    """-> the JSON object that `python -m module *args` printed. Raises Overrun when it
    ran longer than `timeout_s` (it is killed then), went over `memory_mb` of address
    space, or ended without a JSON object on stdout."""
    child = subprocess.Popen(
        [sys.executable, "-m", module, *map(str, args)],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        preexec_fn=_limits(memory_mb),  # noqa: PLW1509 (setrlimit only, no lock taken)
    )
    try:
        with eventlet.Timeout(timeout_s, Overrun("time")):
            answer = _read_answer(child.stdout)
            child.wait()
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
        child.stdout.close()
    if child.returncode != 0:
        raise Overrun(f"exit {child.returncode}")  # MemoryError, a crash, a signal
    try:
        answer = json.loads(answer)
    except ValueError:
        raise Overrun("no answer") from None
    if not isinstance(answer, dict):
        raise Overrun("no answer")
    return answer


def _read_answer(stream):
    data = b""
    while len(data) <= MAX_ANSWER:
        chunk = stream.read(MAX_ANSWER)
        if not chunk:
            return data
        data += chunk
    raise Overrun("answer too long")


def _limits(memory_mb):
    def apply():  # in the child, before it runs anything
        size = int(memory_mb) * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (size, size))
        if _LIBC is not None:  # the child dies with its service, never lingers
            _LIBC.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG

    return apply
