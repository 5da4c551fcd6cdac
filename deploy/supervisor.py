"""`make run`: the whole system on one machine, in the foreground.

Checks that RabbitMQ answers, builds the web portal when its sources changed
(deploy/web.py), migrates every database, creates the admin, declares the queues,
starts the local SMTP sink (Maildir under $KLUIS_VAR/mail), the five services and the
gateway, waits until /api/v1/health answers 200 and prints the portal's URL.
Ctrl-C or SIGTERM stops every process it started. The test suite drives the same
`System` class, so what the tests run is what `make run` runs."""
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import requests

from deploy import broker_accounts, web
from services.common.settings import SERVICE_CLASSES

ROOT = Path(__file__).resolve().parents[1]
SERVICES = tuple(SERVICE_CLASSES)
PARTS = SERVICES + ("gateway",)


def masked(uri):
    parts = urlsplit(uri)
    if parts.password:
        netloc = parts.netloc.replace(":" + parts.password + "@", ":***@")
        return urlunsplit(parts._replace(netloc=netloc))
    return uri


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


def _die_with_parent():
    """In the child: get SIGTERM when the supervisor dies, so nothing is left behind."""
    import ctypes
    try:
        ctypes.CDLL("libc.so.6").prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except OSError:
        pass


class System:
    """The processes of one Kluis system, configured by `env` (API.md "Running")."""

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
        self.env["PYTHONPATH"] = str(ROOT)
        # The broker admin's credentials and the parts' broker passwords
        # (docs/operations.md "Broker accounts"): only the set-up sees them.
        self.broker_admin = broker_accounts.Admin.from_env(self.env)
        for name in broker_accounts.Admin.secret_names(self.env):
            self.env.pop(name)
        self.part_uris = {}
        self.log_dir = Path(log_dir) if log_dir else None
        self.processes = {}

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
            self._run_step([sys.executable, "-m", "deploy.broker_accounts"],
                           {**self.env, **self.broker_admin.env})
            try:
                self.part_uris = broker_accounts.part_uris(self.broker_admin, self.var)
            except broker_accounts.SetupError as error:
                raise SystemExit(f"kluis: broker accounts: {error}")
        else:
            self._run_step([sys.executable, "-m", "services.common.topology"])

    def part_env(self, part):
        """The environment of one part: its own broker account's AMQP_URI once the
        accounts are set up, else the system's."""
        if part in self.part_uris:
            return {**self.env, "AMQP_URI": self.part_uris[part]}
        return self.env

    def _run_step(self, argv, env=None):
        result = subprocess.run(argv, cwd=ROOT, env=env or self.env, capture_output=True,
                                text=True)
        if result.returncode != 0:
            raise SystemExit(f"kluis: {' '.join(argv[2:])} failed:\n{result.stderr[-2000:]}"
                             f"{result.stdout[-500:]}")
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
        self._spawn("mailsink", [sys.executable, "-m", "aiosmtpd", "-n", "-c",
                                 "aiosmtpd.handlers.Mailbox", str(self.var / "mail"),
                                 "-l", f"127.0.0.1:{port}"])
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", int(port))) == 0:
                    return
            time.sleep(0.1)
        raise SystemExit("kluis: the SMTP sink did not start")

    def start(self, part):
        if part == "gateway":
            argv = ["--config", "gateway/config.yaml", "gateway.service:GatewayService"]
        else:
            argv = ["--config", f"services/{part}/config.yaml", SERVICE_CLASSES[part]]
        self._spawn(part, [sys.executable, "-m", "services.common.nameko_cli", "run", *argv],
                    self.part_env(part))

    def start_gateway_replica(self, name, address):
        """Another gateway instance listening on `address` (host:port), as a second
        replica behind a load balancer would run."""
        argv = ["--config", "gateway/config.yaml", "gateway.service:GatewayService"]
        self._spawn(name, [sys.executable, "-m", "services.common.nameko_cli", "run", *argv],
                    {**self.part_env("gateway"), "WEB_SERVER_ADDRESS": address})

    def _spawn(self, name, argv, env=None):
        output = None
        if self.log_dir:
            self.log_dir.mkdir(parents=True, exist_ok=True)
            output = open(self.log_dir / f"{name}.log", "ab")
        self.processes[name] = subprocess.Popen(
            argv, cwd=ROOT, env=env or self.env, stdout=output, stderr=subprocess.STDOUT if output
            else None, start_new_session=True, preexec_fn=_die_with_parent)

    def start_all(self):
        self.start_sink()
        for part in PARTS:
            self.start(part)

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
                raise SystemExit(f"kluis: {name} exited with code {process.returncode}")

    def stop(self, part, sig=signal.SIGTERM, timeout=15):
        process = self.processes.pop(part)
        if process.poll() is None:
            os.killpg(process.pid, sig)
            _reap(process, timeout)

    def stop_all(self, timeout=20):
        """SIGTERM to every part at once (each stops gracefully in parallel), then
        SIGKILL to whatever is still running after `timeout`."""
        for process in self.processes.values():
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        deadline = time.monotonic() + timeout
        for part in list(self.processes):
            _reap(self.processes.pop(part), max(0.1, deadline - time.monotonic()))


def _reap(process, timeout):
    """Wait for a part to end; SIGKILL its process group when it will not."""
    try:
        process.wait(timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def main():
    try:
        system = System(log_dir=os.environ.get("KLUIS_LOG_DIR"))
    except broker_accounts.SetupError as error:
        print(f"kluis: broker accounts: {error}", file=sys.stderr)
        return 2
    reason = broker_reachable(system.setup_uri)
    if reason:
        print(f"kluis: RabbitMQ is not reachable at {masked(system.setup_uri)} ({reason}); "
              "start one (`rabbitmq-server -detached`, or `docker run -d -p 5672:5672 "
              "rabbitmq:3.10`) or set AMQP_URI.", file=sys.stderr)
        return 2
    try:
        if web.build():
            print("kluis: built the web portal (web/dist)", flush=True)
    except web.BuildFailed as failure:
        print(failure, file=sys.stderr)
        return 2

    def stop(_signum, _frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)  # also when started with SIGINT ignored (background)
    try:
        system.prepare()
        system.start_all()
        system.wait_healthy()
        print(f"Kluis is running at {system.portal_url} (API: {system.base_url}; mail: "
              f"{system.var / 'mail'}, SMS: {system.var / 'sms.jsonl'}). Ctrl-C stops it.",
              flush=True)
        while True:
            system.check_alive()
            time.sleep(0.5)
    except KeyboardInterrupt:
        print("kluis: stopping", flush=True)
        return 0
    except SystemExit as exc:
        print(exc, file=sys.stderr)
        return 1
    finally:
        system.stop_all()


if __name__ == "__main__":
    sys.exit(main())
