"""`python -m services.common.alive <part>`: the liveness check of a part that has no
HTTP port of its own (deploy/k8s: an exec probe). Exit 0 when the container's main
process (PID 1: the Deployments start the part without a shell) is that part's
`nameko run` and is neither a zombie nor stopped; else exit 1 with the reason.

A process check, not more: it does not ask RabbitMQ (a broker outage would restart
every pod for nothing) nor the service over RPC (the call would reach any replica, not
this one). The gateway has GET /api/v1/health/live instead. Readiness is another
question, asked of the part itself: GET /ready on its metrics listener, 200 while its
queue consumer is connected to the broker (services.common.telemetry.consuming).
"""

import sys
from pathlib import Path

from .settings import SERVICE_CLASSES


def problem(part, proc=Path("/proc/1")):
    """-> None when `proc` is `part`'s running nameko process, else the reason."""
    if part not in SERVICE_CLASSES:
        return f"unknown part {part!r} (one of {', '.join(sorted(SERVICE_CLASSES))})"
    try:
        argv = (proc / "cmdline").read_bytes().split(b"\0")
        status = (proc / "status").read_text()
    except OSError as exc:
        return f"cannot read {proc}: {exc.strerror}"
    if SERVICE_CLASSES[part].encode() not in argv or b"run" not in argv:
        return f"{proc} is not {part}'s nameko run"
    state = next(
        (line.split()[1] for line in status.splitlines() if line.startswith("State:")), "?"
    )
    if state in ("Z", "T", "t", "X", "?"):
        return f"{proc} is in state {state}"
    return None


if __name__ == "__main__":
    reason = problem(sys.argv[1] if len(sys.argv) == 2 else "")
    if reason:
        print(f"not alive: {reason}", file=sys.stderr)
    sys.exit(1 if reason else 0)
