"""`python -m services.common.nameko_cli run --config ... module:Class`: nameko's own
command line, without eventlet's start-up deprecation notice (a Warning, not a
DeprecationWarning, so PYTHONWARNINGS cannot name it without importing eventlet), and
with a bounded stop: SIGTERM stops the service gracefully (the work in progress
finishes), but the process ends at the latest KLUIS_STOP_GRACE_S (10) seconds later,
also when the stop cannot finish (a service whose broker or vhost has gone stays in its
reconnect loop and would otherwise never exit). Repeated SIGTERMs do not extend it."""

import errno
import math
import os
import signal
import warnings

warnings.filterwarnings("ignore", message=r"\s*Eventlet is deprecated")

from nameko.cli import commands  # noqa: E402
from nameko.cli.main import main  # noqa: E402

DEFAULT_STOP_GRACE_S = 10


def stop_grace_s():
    """KLUIS_STOP_GRACE_S as whole seconds (signal.alarm's unit), at least 1."""
    value = os.environ.get("KLUIS_STOP_GRACE_S") or str(DEFAULT_STOP_GRACE_S)
    try:
        seconds = float(value)
    except ValueError:
        seconds = None
    if seconds is None or not 1 <= seconds <= 3600:
        raise SystemExit(
            f"KLUIS_STOP_GRACE_S must be a number of seconds from 1 to 3600, not {value!r}"
        )
    return math.ceil(seconds)


def run(services, config, backdoor_port=None):
    """nameko.cli.run.run (2.14.1), its SIGTERM handler bounded by an alarm whose default
    action ends the process: no Python code has to run for that to work."""
    import eventlet
    from nameko.cli import run as nameko_run
    from nameko.runners import ServiceRunner

    grace = stop_grace_s()
    runner = ServiceRunner(config)
    for service_cls in services:
        runner.add_service(service_cls)
    stopping = []

    def shutdown(_signum, _frame):
        if not stopping:
            stopping.append(True)
            signal.alarm(grace)
            # signal handlers run in the main loop and cannot use eventlet primitives
            eventlet.spawn_n(runner.stop)

    signal.signal(signal.SIGALRM, signal.SIG_DFL)
    signal.signal(signal.SIGTERM, shutdown)
    if backdoor_port is not None:
        nameko_run.setup_backdoor(runner, backdoor_port)
    runner.start()
    _wait(runner, eventlet.spawn(runner.wait), grace)


def _wait(runner, runnlet, grace):
    """Until the runner stopped; Ctrl-C stops it (a second one kills it), within `grace`."""
    while True:
        try:
            runnlet.wait()
        except OSError as exc:  # EINTR from the signal handler while the hub waited
            if exc.errno == errno.EINTR:
                continue
            raise
        except KeyboardInterrupt:
            print()
            signal.alarm(grace)
            try:
                runner.stop()
            except KeyboardInterrupt:
                print()
                runner.kill()
        else:
            break


def run_command(args, *_unknown_args):
    """nameko.cli.commands.Run.main: eventlet's monkey patch before anything of nameko's
    runtime is imported (as nameko does it), then nameko's `run` command with `run`
    above in place of nameko's."""
    import eventlet

    eventlet.monkey_patch()  # noqa (code before imports)
    from nameko.cli import run as nameko_run

    nameko_run.run = run  # nameko_run.main looks `run` up when it is called
    nameko_run.main(args)


commands.Run.main = staticmethod(run_command)

if __name__ == "__main__":
    main()
