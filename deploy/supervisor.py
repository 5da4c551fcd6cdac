"""`make run`: the whole system on one machine, in the foreground.

Checks that RabbitMQ answers, builds the web portal when its sources changed
(deploy/web.py), then prepares and starts the `System` (deploy/system.py): migrates every
database, creates the admin, declares the queues, starts the local SMTP sink (Maildir
under $KLUIS_VAR/mail), the five services and the gateway, waits until /api/v1/health
answers 200 and prints the portal's URL. KLUIS_SCALE runs more instances of a part
(deploy/system.py).

While it runs it supervises (deploy/processes.py): a process that exits unexpectedly is
started again after a backoff (1 s, doubling up to 30 s, back to 1 s once it has stayed
up 60 s), with one log line saying which, how it ended and when it comes back. Ctrl-C or
SIGTERM stops every process it started: each gets SIGTERM (and ends within
KLUIS_STOP_GRACE_S by itself, services.common.nameko_cli), whatever is left after 20 s
gets SIGKILL, and another signal during the stop only hurries it (SIGKILL at once)."""

import os
import signal
import sys
import time

from deploy import broker_accounts, web
from deploy.broker_accounts import masked
from deploy.system import System


def broker_reachable(uri, timeout=3):
    """-> None when RabbitMQ answers, else the reason."""
    from kombu import Connection

    try:
        with Connection(uri, connect_timeout=timeout) as connection:
            connection.ensure_connection(max_retries=1)
        return None
    except Exception as exc:  # the reason is all the user needs
        return f"{type(exc).__name__}: {exc}"


def main():
    try:
        system = System(log_dir=os.environ.get("KLUIS_LOG_DIR"))
    except broker_accounts.SetupError as error:
        print(f"kluis: broker accounts: {error}", file=sys.stderr)
        return 2
    failure = _cannot_start(system)
    if failure:
        print(failure, file=sys.stderr)
        return 2
    return _run(system, _catch_stop_signals(system))


def _cannot_start(system):
    """-> why the system cannot start (RabbitMQ does not answer, the portal does not
    build), or None; builds the portal when its sources changed."""
    reason = broker_reachable(system.setup_uri)
    if reason:
        return (
            f"kluis: RabbitMQ is not reachable at {masked(system.setup_uri)} ({reason}); "
            "start one (`rabbitmq-server -detached`, or `docker run -d -p 5672:5672 "
            "rabbitmq:3.10`) or set AMQP_URI."
        )
    try:
        if web.build():
            print("kluis: built the web portal (web/dist)", flush=True)
    except web.BuildFailed as failure:
        return str(failure)
    return None


def _catch_stop_signals(system):
    """SIGTERM and SIGINT stop the system (KeyboardInterrupt); another during the stop
    only hurries it. -> the list that is not empty once a stop has begun."""
    stopping = []

    def stop(_signum, _frame):
        if stopping:  # a second signal during the stop: only hurry it
            system.hurry()
            return
        stopping.append(True)
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)  # also when started with SIGINT ignored (background)
    return stopping


def _run(system, stopping):
    """Prepares, starts and supervises the system until a stop; -> the exit code."""
    try:
        system.prepare()
        system.start_all()
        system.wait_healthy()
        print(
            f"Kluis is running at {system.portal_url} (API: {system.base_url}, its "
            f"reference: {system.portal_url}api/v1/docs; mail: {system.var / 'mail'}, "
            f"SMS: {system.var / 'sms.jsonl'}). Ctrl-C stops it.",
            flush=True,
        )
        while True:
            system.supervise()
            time.sleep(0.5)
    except KeyboardInterrupt:
        print("kluis: stopping", flush=True)
        return 0
    except SystemExit as exc:
        stopping.append(True)
        print(exc, file=sys.stderr)
        return 1
    finally:
        stopping.append(True)
        system.stop_all()


if __name__ == "__main__":
    sys.exit(main())
