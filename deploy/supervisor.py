"""`make run`: the whole system on one machine, in the foreground.

Checks that RabbitMQ answers, builds the web portal when its sources changed
(deploy/web.py), migrates every database, creates the admin, declares the queues,
starts the local SMTP sink (Maildir under $KLUIS_VAR/mail), the five services and the
gateway, waits until /api/v1/health answers 200 and prints the portal's URL.

While it runs it supervises: a process that exits unexpectedly is started again after a
backoff (1 s, doubling up to 30 s, back to 1 s once it has stayed up 60 s), with one log
line saying which, how it ended and when it comes back. Ctrl-C or SIGTERM stops every
process it started: each gets SIGTERM (and ends within KLUIS_STOP_GRACE_S by itself,
services.common.nameko_cli), whatever is left after 20 s gets SIGKILL, and another
signal during the stop only hurries it (SIGKILL at once).

KLUIS_SCALE (`gateway=2,documents=2,dossier=3`) runs that many instances of a part,
named `documents`, `documents-2`, ...: gateway instances share WEB_SERVER_ADDRESS
(SO_REUSEPORT, the kernel spreads connections), each documents instance has a blob
endpoint of its own, all listed in DOCUMENTS_BLOB_URL for the processes that move
bytes (services/documents/client.py picks one per request). The test suite drives the same
`System` class, so what the tests run is what `make run` runs."""

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import requests

from deploy import broker_accounts, web
from deploy.broker_accounts import masked
from services.common.settings import SERVICE_CLASSES

ROOT = Path(__file__).resolve().parents[1]
SERVICES = tuple(SERVICE_CLASSES)
PARTS = SERVICES + ("gateway",)
BACKOFF_FIRST_S, BACKOFF_MOST_S, BACKOFF_RESET_S = 1, 30, 60
MOST_INSTANCES = 16


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def broker_reachable(uri, timeout=3):
    """-> None when RabbitMQ answers, else the reason."""
    from kombu import Connection

    try:
        with Connection(uri, connect_timeout=timeout) as connection:
            connection.ensure_connection(max_retries=1)
        return None
    except Exception as exc:  # the reason is all the user needs
        return f"{type(exc).__name__}: {exc}"


def parse_scale(text):
    """KLUIS_SCALE, e.g. "gateway=2,documents=2" -> {"gateway": 2, "documents": 2};
    SystemExit with one line saying what is wrong."""
    scale = {}
    for item in (text or "").split(","):
        if not item.strip():
            continue
        part, sep, count = (value.strip() for value in item.partition("="))
        if (
            not sep
            or part not in PARTS
            or not (count.isascii() and count.isdecimal())
            or not 1 <= int(count) <= MOST_INSTANCES
            or part in scale
        ):
            raise SystemExit(
                f"kluis: KLUIS_SCALE={text!r}: {item.strip()!r} is not part=n, each part "
                f"once, with a part of {', '.join(PARTS)} and n from 1 to {MOST_INSTANCES}"
            )
        scale[part] = int(count)
    return scale


def instances(part, count):
    """The names of a part's instances: the part's own, then part-2, part-3, ..."""
    return [part] + [f"{part}-{number}" for number in range(2, count + 1)]


def _die_with_parent():
    """In the child: get SIGTERM when the supervisor dies, so nothing is left behind."""
    import ctypes

    try:
        ctypes.CDLL("libc.so.6").prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except OSError:
        pass


class System:
    """The processes of one Kluis system, configured by `env` (docs/api.md "Running")."""

    def __init__(self, env=None, log_dir=None):
        self.env = dict(os.environ if env is None else env)
        self.env.setdefault("KLUIS_VAR", str(ROOT / "var"))
        self.env.setdefault("AMQP_URI", "amqp://guest:guest@127.0.0.1:5672/")
        self.env.setdefault("WEB_SERVER_ADDRESS", "0.0.0.0:8000")
        self.env["KLUIS_VAR"] = str(Path(self.env["KLUIS_VAR"]).resolve())
        port = self.env["WEB_SERVER_ADDRESS"].rsplit(":", 1)[-1]
        self.base_url = f"http://127.0.0.1:{port}/api/v1"
        self.env.setdefault("KLUIS_PUBLIC_URL", f"http://localhost:{port}")
        # documents's blob endpoint and signing's verify endpoint, which only the
        # gateway (and services) talk to: file bytes, never over the bus.
        for name in ("DOCUMENTS_BLOB_ADDRESS", "SIGNING_VERIFY_ADDRESS"):
            if not self.env.get(name):
                self.env[name] = f"127.0.0.1:{free_port()}"
        self.scale = parse_scale(self.env.get("KLUIS_SCALE"))
        # Each documents instance's blob endpoint: the first on DOCUMENTS_BLOB_ADDRESS,
        # the others on free ports of the same host; the processes that move bytes are
        # told all of them (unless DOCUMENTS_BLOB_URL says where they are).
        host = self.env["DOCUMENTS_BLOB_ADDRESS"].rpartition(":")[0]
        self.blob_addresses = [self.env["DOCUMENTS_BLOB_ADDRESS"]] + [
            f"{host}:{free_port()}" for _ in range(1, self.scale.get("documents", 1))
        ]
        if len(self.blob_addresses) > 1 and not self.env.get("DOCUMENTS_BLOB_URL"):
            local = "127.0.0.1" if host in ("", "0.0.0.0") else host
            self.env["DOCUMENTS_BLOB_URL"] = ",".join(
                f"http://{local}:{address.rpartition(':')[2]}" for address in self.blob_addresses
            )
        self.env["PYTHONPATH"] = str(ROOT)
        # The broker admin's credentials and the parts' broker passwords
        # (docs/operations.md "Broker accounts"): only the set-up sees them.
        self.broker_admin = broker_accounts.Admin.from_env(self.env)
        for name in broker_accounts.Admin.secret_names(self.env):
            self.env.pop(name)
        self.part_uris = {}
        self.log_dir = Path(log_dir) if log_dir else None
        self.processes = {}  # name -> its Popen (the last one, when it has exited)
        self.specs = {}  # name -> (argv, env): what supervise() starts again
        self._started = {}  # name -> when it was last started (time.monotonic)
        self._backoff = {}  # name -> seconds before its next restart
        self._due = {}  # name -> when its pending restart is due
        self._hurry = False

    @property
    def portal_url(self):
        """Where people open the portal: the public URL that e-mail links use too (a
        session lives in one origin's sessionStorage)."""
        return self.env["KLUIS_PUBLIC_URL"].rstrip("/") + "/"

    @property
    def var(self):
        return Path(self.env["KLUIS_VAR"])

    @property
    def setup_uri(self):
        """The AMQP URI of the set-up: the broker admin's when given, else AMQP_URI."""
        return self.broker_admin.setup_uri if self.broker_admin else self.env["AMQP_URI"]

    def prepare(self):
        """Migrations, admin, broker accounts, queues: everything before the first process
        starts."""
        self._run_step([sys.executable, "-m", "services.common.migrate", *SERVICES])
        self._run_step([sys.executable, "-m", "services.identity.bootstrap"])
        if self.broker_admin:  # declares the queues too, with the admin's account
            self._run_step(
                [sys.executable, "-m", "deploy.broker_accounts"],
                {**self.env, **self.broker_admin.env},
            )
            try:
                self.part_uris = broker_accounts.part_uris(self.broker_admin, self.var)
            except broker_accounts.SetupError as error:
                raise SystemExit(f"kluis: broker accounts: {error}")
        else:
            self._run_step([sys.executable, "-m", "services.common.topology"])

    def _run_step(self, argv, env=None):
        result = subprocess.run(argv, cwd=ROOT, env=env or self.env, capture_output=True, text=True)
        if result.returncode != 0:
            raise SystemExit(
                f"kluis: {' '.join(argv[2:])} failed:\n{result.stderr[-2000:]}"
                f"{result.stdout[-500:]}"
            )
        if result.stdout.strip():
            print(result.stdout.strip(), flush=True)

    def start_sink(self):
        """The local SMTP sink, unless SMTP_HOST points at a real relay."""
        if self.env.get("SMTP_HOST"):
            return
        port = self.env.get("SMTP_PORT") or str(free_port())
        self.env["SMTP_HOST"], self.env["SMTP_PORT"] = "127.0.0.1", port
        for folder in ("tmp", "new", "cur"):  # a Maildir, as the sink expects it
            (self.var / "mail" / folder).mkdir(parents=True, exist_ok=True)
        self._spawn(
            "mailsink",
            [
                sys.executable,
                "-m",
                "aiosmtpd",
                "-n",
                "-c",
                "aiosmtpd.handlers.Mailbox",
                str(self.var / "mail"),
                "-l",
                f"127.0.0.1:{port}",
            ],
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", int(port))) == 0:
                    return
            time.sleep(0.1)
        raise SystemExit("kluis: the SMTP sink did not start")

    def start(self, name):
        """Starts a part's instance: `documents`, or `documents-2` for its second."""
        part = name.split("-")[0]
        if part == "gateway":
            argv = ["--config", "gateway/config.yaml", "gateway.service:GatewayService"]
        else:
            argv = ["--config", f"services/{part}/config.yaml", SERVICE_CLASSES[part]]
        self._spawn(
            name,
            [sys.executable, "-m", "services.common.nameko_cli", "run", *argv],
            self.part_env(name),
        )

    def part_env(self, name):
        """The environment of one instance of a part (`documents-2`): the system's,
        with what differs per instance, and the AMQP_URI of the part's own broker
        account once the accounts are set up (docs/operations.md "Broker accounts")."""
        part, _, number = name.partition("-")
        env = dict(self.env)
        if part in self.part_uris:
            env["AMQP_URI"] = self.part_uris[part]
            env["KLUIS_DECLARE_QUEUES"] = "0"  # the set-up declared them, as the admin
        if part == "documents" and number:
            env["DOCUMENTS_BLOB_ADDRESS"] = self.blob_addresses[int(number) - 1]
        metrics = f"{part.upper()}_METRICS_ADDRESS"
        if number and env.get(metrics):  # instance n serves its metrics n - 1 ports on
            host, _, port = env[metrics].rpartition(":")
            env[metrics] = f"{host}:{int(port) + int(number) - 1}"
        return env

    def start_gateway_replica(self, name, address):
        """Another gateway instance listening on `address` (host:port), as a second
        replica behind a load balancer would run."""
        argv = ["--config", "gateway/config.yaml", "gateway.service:GatewayService"]
        self._spawn(
            name,
            [sys.executable, "-m", "services.common.nameko_cli", "run", *argv],
            {
                **self.part_env("gateway"),
                "WEB_SERVER_ADDRESS": address,
                "GATEWAY_METRICS_ADDRESS": "",
            },
        )  # the first one's would clash

    def _spawn(self, name, argv, env=None):
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

    def start_all(self):
        self.start_sink()
        for part in PARTS:
            for name in instances(part, self.scale.get(part, 1)):
                self.start(name)

    def wait_healthy(self, timeout=60):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.check_alive()
            try:
                if requests.get(self.base_url + "/health", timeout=5).status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.2)
        raise SystemExit(f"kluis: not healthy after {timeout}s")

    def check_alive(self):
        for name, process in self.processes.items():
            if process.poll() is not None:
                raise SystemExit(f"kluis: {name} {ended(process.returncode)}")

    def supervise(self):
        """One round of supervision (main() calls it twice a second): a process that
        has exited is started again after its backoff, with a log line."""
        now = time.monotonic()
        for name, process in list(self.processes.items()):
            if name not in self.specs or name in self._due:
                continue
            if process.poll() is None:
                if now - self._started[name] >= BACKOFF_RESET_S:
                    self._backoff.pop(name, None)
                continue
            delay = self._backoff.get(name, BACKOFF_FIRST_S)
            self._backoff[name] = min(delay * 2, BACKOFF_MOST_S)
            self._due[name] = now + delay
            print(
                f"kluis: {name} {ended(process.returncode)}; restarting it in {delay} s",
                file=sys.stderr,
                flush=True,
            )
        for name, due in list(self._due.items()):
            if now >= due:
                self._spawn(name, *self.specs[name])
                print(
                    f"kluis: restarted {name} (pid {self.processes[name].pid})",
                    file=sys.stderr,
                    flush=True,
                )

    def stop(self, part, sig=signal.SIGTERM, timeout=15):
        """Ends `part` with `sig` (SIGKILL after `timeout`); it stays stopped until
        start(part)."""
        self.specs.pop(part, None)
        self._due.pop(part, None)
        process = self.processes.pop(part)
        if process.poll() is None:
            _signal(process, sig)
        _reap([process], timeout)

    def hurry(self):
        """A stop in progress SIGKILLs what is left at once (a second Ctrl-C/SIGTERM)."""
        self._hurry = True

    def stop_all(self, timeout=20):
        """SIGTERM to every part at once (each stops gracefully in parallel), then
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


def main():
    try:
        system = System(log_dir=os.environ.get("KLUIS_LOG_DIR"))
    except broker_accounts.SetupError as error:
        print(f"kluis: broker accounts: {error}", file=sys.stderr)
        return 2
    reason = broker_reachable(system.setup_uri)
    if reason:
        print(
            f"kluis: RabbitMQ is not reachable at {masked(system.setup_uri)} ({reason}); "
            "start one (`rabbitmq-server -detached`, or `docker run -d -p 5672:5672 "
            "rabbitmq:3.10`) or set AMQP_URI.",
            file=sys.stderr,
        )
        return 2
    try:
        if web.build():
            print("kluis: built the web portal (web/dist)", flush=True)
    except web.BuildFailed as failure:
        print(failure, file=sys.stderr)
        return 2

    stopping = []

    def stop(_signum, _frame):
        if stopping:  # a second signal during the stop: only hurry it
            system.hurry()
            return
        stopping.append(True)
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)  # also when started with SIGINT ignored (background)
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
