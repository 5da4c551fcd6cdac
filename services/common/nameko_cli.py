"""`python -m services.common.nameko_cli run --config ... module:Class`: nameko's own
command line, without eventlet's start-up deprecation notice (a Warning, not a
DeprecationWarning, so PYTHONWARNINGS cannot name it without importing eventlet), and
with a bounded stop: SIGTERM stops the service gracefully (the work in progress
finishes), but the process ends at the latest KLUIS_STOP_GRACE_S (10) seconds later,
also when the stop cannot finish (a service whose broker or vhost has gone stays in its
reconnect loop and would otherwise never exit). Repeated SIGTERMs do not extend it."""
import errno
import os
import signal
import warnings

warnings.filterwarnings("ignore", message=r"\s*Eventlet is deprecated")

import eventlet  # noqa: E402
from nameko.cli import run as nameko_run  # noqa: E402
from nameko.cli.main import main  # noqa: E402
from nameko.runners import ServiceRunner  # noqa: E402

DEFAULT_STOP_GRACE_S = 10


def stop_grace_s():
    """KLUIS_STOP_GRACE_S as whole seconds (signal.alarm's unit), at least 1."""
    value = os.environ.get("KLUIS_STOP_GRACE_S") or str(DEFAULT_STOP_GRACE_S)
    try:
        seconds = float(value)
    except ValueError:
        raise SystemExit(f"KLUIS_STOP_GRACE_S must be a number of seconds, not {value!r}")
    return max(1, int(seconds + 0.999))


def run(services, config, backdoor_port=None):
    """nameko.cli.run.run (2.14.1), its SIGTERM handler bounded by an alarm whose default
    action ends the process: no Python code has to run for that to work."""
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
    runnlet = eventlet.spawn(runner.wait)
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


nameko_run.run = run  # nameko_run.main looks `run` up when it is called

if __name__ == "__main__":
    main()
