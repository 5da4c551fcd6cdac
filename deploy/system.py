"""The processes of one Kluis system (`System`): what `make run` (deploy/supervisor.py)
starts and supervises, and what the test suite starts the same way, so that what the
tests run is what `make run` runs. Its environment follows docs/api.md "Running".

Before the first process starts, `prepare` migrates every database, creates the admin and
sets up the broker (accounts and queues); `start_all` then starts the local SMTP sink
(Maildir under $KLUIS_VAR/mail), the five services and the gateway.

KLUIS_SCALE (`gateway=2,documents=2,dossier=3`) runs that many instances of a part,
named `documents`, `documents-2`, ...: gateway instances share WEB_SERVER_ADDRESS
(SO_REUSEPORT, the kernel spreads connections), each documents instance has a blob
endpoint of its own, all listed in DOCUMENTS_BLOB_URL for the processes that move
bytes (services/documents/client.py picks one per request)."""

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import requests

from deploy import broker_accounts
from deploy.processes import ROOT, Processes, free_port
from services.common.settings import SERVICE_CLASSES

SERVICES = tuple(SERVICE_CLASSES)
PARTS = SERVICES + ("gateway",)
MOST_INSTANCES = 16


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


class System(Processes):
    """The processes of one Kluis system, configured by `env` (docs/api.md "Running")."""

    def __init__(self, env=None, log_dir=None):
        super().__init__(_system_env(dict(os.environ if env is None else env)), log_dir)
        port = self.env["WEB_SERVER_ADDRESS"].rsplit(":", 1)[-1]
        self.base_url = f"http://127.0.0.1:{port}/api/v1"
        self.scale = parse_scale(self.env.get("KLUIS_SCALE"))
        self.blob_addresses = _blob_addresses(self.env, self.scale.get("documents", 1))
        # The broker admin's credentials and the parts' broker passwords
        # (docs/operations.md "Broker accounts"): only the set-up sees them.
        self.broker_admin = broker_accounts.Admin.from_env(self.env)
        for name in broker_accounts.Admin.secret_names(self.env):
            self.env.pop(name)
        self.part_uris = {}

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
        starts. The broker's step (queues, and accounts when a broker admin is given)
        runs beside the databases' (migrations, then the admin): neither reads what the
        other writes, and each is mostly a Python start-up."""
        if self.broker_admin:  # declares the queues too, with the admin's account
            broker = self._start_step(
                [sys.executable, "-m", "deploy.broker_accounts"],
                {**self.env, **self.broker_admin.env},
            )
        else:
            broker = self._start_step([sys.executable, "-m", "services.common.topology"])
        try:
            for step in (["services.common.migrate", *SERVICES], ["services.identity.bootstrap"]):
                self._end_step(self._start_step([sys.executable, "-m", *step]))
        except BaseException:
            broker.kill()  # the first failure is the one to report
            broker.communicate()
            raise
        self._end_step(broker)
        if self.broker_admin:
            try:
                self.part_uris = broker_accounts.part_uris(self.broker_admin, self.var)
            except broker_accounts.SetupError as error:
                raise SystemExit(f"kluis: broker accounts: {error}")

    def _start_step(self, argv, env=None):
        return subprocess.Popen(
            argv, cwd=ROOT, env=env or self.env, text=True,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        )  # fmt: skip

    @staticmethod
    def _end_step(process):
        """Waits for a step; SystemExit with its output when it failed."""
        stdout, stderr = process.communicate()
        if process.returncode != 0:
            raise SystemExit(
                f"kluis: {' '.join(process.args[2:])} failed:\n{stderr[-2000:]}{stdout[-500:]}"
            )
        if stdout.strip():
            print(stdout.strip(), flush=True)

    def start_sink(self):
        """The local SMTP sink, unless SMTP_HOST points at a real relay."""
        if self.env.get("SMTP_HOST"):
            return
        port = self.env.get("SMTP_PORT") or str(free_port())
        self.env["SMTP_HOST"], self.env["SMTP_PORT"] = "127.0.0.1", port
        for folder in ("tmp", "new", "cur"):  # a Maildir, as the sink expects it
            (self.var / "mail" / folder).mkdir(parents=True, exist_ok=True)
        self.spawn(
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
        self.spawn(
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
        self.spawn(
            name,
            [sys.executable, "-m", "services.common.nameko_cli", "run", *argv],
            {
                **self.part_env("gateway"),
                "WEB_SERVER_ADDRESS": address,
                "GATEWAY_METRICS_ADDRESS": "",
            },
        )  # the first one's would clash

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


def _system_env(env):
    """The system's environment: `env` with the defaults of a local run filled in."""
    env.setdefault("KLUIS_VAR", str(ROOT / "var"))
    env.setdefault("AMQP_URI", "amqp://guest:guest@127.0.0.1:5672/")
    env.setdefault("WEB_SERVER_ADDRESS", "0.0.0.0:8000")
    env["KLUIS_VAR"] = str(Path(env["KLUIS_VAR"]).resolve())
    port = env["WEB_SERVER_ADDRESS"].rsplit(":", 1)[-1]
    env.setdefault("KLUIS_PUBLIC_URL", f"http://localhost:{port}")
    # documents's blob endpoint and signing's verify endpoint, which only the
    # gateway (and services) talk to: file bytes, never over the bus.
    for name in ("DOCUMENTS_BLOB_ADDRESS", "SIGNING_VERIFY_ADDRESS"):
        if not env.get(name):
            env[name] = f"127.0.0.1:{free_port()}"
    env["PYTHONPATH"] = str(ROOT)
    return env


def _blob_addresses(env, count):
    """Each of `count` documents instances' blob endpoint: the first on
    DOCUMENTS_BLOB_ADDRESS, the others on free ports of the same host; the processes that
    move bytes are told all of them (unless DOCUMENTS_BLOB_URL says where they are)."""
    host = env["DOCUMENTS_BLOB_ADDRESS"].rpartition(":")[0]
    addresses = [env["DOCUMENTS_BLOB_ADDRESS"]] + [f"{host}:{free_port()}" for _ in range(1, count)]
    if len(addresses) > 1 and not env.get("DOCUMENTS_BLOB_URL"):
        local = "127.0.0.1" if host in ("", "0.0.0.0") else host
        env["DOCUMENTS_BLOB_URL"] = ",".join(
            f"http://{local}:{address.rpartition(':')[2]}" for address in addresses
        )
    return addresses
