"""Whole Kluis systems for the end-to-end and browser tests: started exactly as `make
run` starts them (deploy.system.System), each with its own vhost, KLUIS_VAR and
port, driven through HTTP. `kluis` runs on SQLite; `pg_kluis` on PostgreSQL with a
short idle timeout (3 s) so that session expiry can be watched happen.

A pytest plugin (tests/conftest.py loads it), so that tests/e2e and tests/web share
one instance of each system per run."""

import email
import email.policy
import json
import os
import re
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
import requests
from cryptography.hazmat.primitives.serialization import load_pem_private_key
from nameko.standalone.rpc import ClusterRpcProxy
from requests.adapters import HTTPAdapter

from deploy.processes import ROOT, free_port
from deploy.system import SERVICES, System
from services.common.context import DEFAULT_TTL_S, Principal, sign
from services.common.errors import register_remote_errors
from services.common.settings import SERVICE_CLASSES

register_remote_errors()  # errors of direct RPC calls come back as their own classes

ADMIN_EMAIL = "beheer@kluis.test"
ADMIN_PASSWORD = "Beheer-Sleutel-2026"
CLIENT_PASSWORD = "Klant-Wachtwoord-7"
KLUIS_KNOBS = (
    "KLUIS_",
    "AMQP_URI",
    "WEB_SERVER_ADDRESS",
    "SMTP_",
    "SMS_",
    "SESSION_",
    "MAX_UPLOAD",
    "MIN_",
    "_DB_URL",
    "_METRICS_ADDRESS",
    "MAIL_FROM",
    "HTTP_",
    "TRUSTED_PROXIES",
    "LOGIN_",
    "_PER_ADDRESS",
    "_PER_PARTNER",
    "_PER_HOUR",
    "VERIFY_",
    "QUESTIONNAIRE_PDF_",
    "SECOND_STEP_",
    "HASH_",
    "REGISTRATION_LIFETIME_S",
    "APP_LOGIN_VALIDITY_S",
    "_SWEEP_INTERVAL_S",
    "ACTIVITY_WRITE_INTERVAL_S",
    "PRINCIPAL_",
    "WEBHOOK_",
)


def unique_email(prefix="klant"):
    return f"{prefix}-{uuid.uuid4().hex[:10]}@voorbeeld.nl"


class SourceAddress(HTTPAdapter):
    """Connects from a given local address: any of 127.0.0.0/8 reaches a system on
    127.0.0.1 on Linux, and the system sees it as the caller's source address (limits
    per address, "the owner's usual address")."""

    def __init__(self, address):
        self.address = address
        super().__init__()

    def init_poolmanager(self, *args, **kwargs):
        kwargs["source_address"] = (self.address, 0)
        super().init_poolmanager(*args, **kwargs)


class Client:
    """requests against one system's /api/v1, optionally as a bearer."""

    def __init__(self, base_url, token=None, language=None):
        self.base_url = base_url
        self.session = requests.Session()
        if token:
            self.session.headers["Authorization"] = f"Bearer {token}"
        if language:
            self.session.headers["Accept-Language"] = language

    def request(self, method, path, **kwargs):
        kwargs.setdefault("timeout", 30)
        return self.session.request(method, self.base_url + path, **kwargs)

    def get(self, path, **kwargs):
        return self.request("GET", path, **kwargs)

    def post(self, path, **kwargs):
        return self.request("POST", path, **kwargs)

    def patch(self, path, **kwargs):
        return self.request("PATCH", path, **kwargs)

    def put(self, path, **kwargs):
        return self.request("PUT", path, **kwargs)

    def delete(self, path, **kwargs):
        return self.request("DELETE", path, **kwargs)


class Mailbox:
    """The Maildir the local SMTP sink writes ($KLUIS_VAR/mail). Each file is read once:
    a Maildir file never changes once delivered (at most it moves from new/ to cur/ with
    flags after a colon), and the suite's shared systems gather hundreds of e-mails, so
    parsing them all on every poll cost seconds of CPU per wait."""

    def __init__(self, path):
        self.path = Path(path)
        self._read = {}  # unique name (before ":2,flags") -> (arrival, To, Subject, message)

    def messages(self, to=None, subject=None):
        """The messages to `to` (all when None) whose subject holds `subject`."""
        for folder in ("new", "cur"):
            for file in (self.path / folder).glob("*"):
                name = file.name.split(":", 1)[0]
                if name not in self._read:
                    with open(file, "rb") as handle:
                        message = email.message_from_binary_file(
                            handle, policy=email.policy.default
                        )
                    arrival = (file.stat().st_mtime_ns, name)
                    self._read[name] = (arrival, message["To"], message["Subject"] or "", message)
        # In the order they arrived (a Maildir name's microseconds do not sort as text).
        return [
            message
            for _, address, title, message in sorted(self._read.values(), key=lambda r: r[0])
            if (to is None or address == to) and (subject is None or subject in title)
        ]

    def wait_for(self, to, count=1, timeout=30, subject=None):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = self.messages(to, subject)
            if len(found) >= count:
                return found
            time.sleep(0.1)
        raise AssertionError(
            f"{len(self.messages(to, subject))} of {count} e-mails to {to} "
            f"arrived" + (f" about {subject!r}" if subject else "")
        )


def code_in(text):
    """The one 6-digit code in a text (docs/api.md: the only 6-digit number there)."""
    codes = re.findall(r"(?<!\d)\d{6}(?!\d)", text)
    assert len(codes) == 1, text
    return codes[0]


def text_of(message):
    """The plain-text part of an e-mail (each also has an HTML part)."""
    return message.get_body(preferencelist=("plain",)).get_content()


def link_token(message):
    match = re.search(r"token=([A-Za-z0-9_-]+)", text_of(message))
    assert match, "no token= link in the e-mail"
    return match.group(1)


def verify_audit_file(path, key_path):
    """-> (exit code, output) of the verify command in a process of its own, given only
    the exported trail and the public key (no service, no database, no environment)."""
    done = subprocess.run(
        [sys.executable, "-m", "services.common.audit_verify", str(path), "--key", str(key_path)],
        capture_output=True, text=True, timeout=60, cwd=ROOT,
        env={"PATH": "/usr/bin:/bin"},
    )  # fmt: skip
    return done.returncode, done.stdout


class Kluis:
    def __init__(self, system):
        self.system = system
        self.base_url = system.base_url
        self.mail = Mailbox(system.var / "mail")
        self._admin = None

    def client(self, token=None, language=None):
        return Client(self.base_url, token, language)

    def login(self, email_address, password, **headers):
        response = self.client().post(
            "/auth/login", json={"email": email_address, "password": password}, headers=headers
        )
        assert response.status_code == 200, response.text
        return response.json()["token"]

    def admin(self):
        token = self.login(ADMIN_EMAIL, ADMIN_PASSWORD)
        return self.client(token)

    def admin_principal(self):
        if self._admin is None:
            self._admin = self.admin().get("/me").json()["id"]
        return Principal(account_id=self._admin, kind="admin")

    def principal_of(self, who):
        """The principal behind a signed-in Client, as the gateway would pass it on (for
        direct RPC calls that must be refused like the HTTP ones)."""
        me = who.get("/me").json()
        return Principal(
            account_id=me["id"],
            kind=me["kind"],
            offices={o["id"]: o["role"] for o in me.get("offices", [])},
        )

    def signing_key(self, service="identity"):
        """The private key `service` made under this system's KLUIS_VAR: with it the
        test signs principals as an operator holding that key could."""
        path = self.system.var / "keys" / f"principal-{service}.key"
        return load_pem_private_key(path.read_bytes(), password=None)

    def sign(self, principal, ttl_s=DEFAULT_TTL_S, now=None, issuer="identity"):
        """`principal` signed with this system's key of `issuer` (a copy)."""
        return sign(principal, issuer, ttl_s, now=now, key=self.signing_key(issuer))

    def rpc(self, principal=None):
        """Direct RPC (the bus, no gateway) with `principal` signed by identity's key."""
        context = {"principal": self.sign(principal).signed} if principal else {}
        return ClusterRpcProxy(
            {"AMQP_URI": self.system.env["AMQP_URI"]}, timeout=30, context_data=context
        )

    def create_client(self, language="nl", password=CLIENT_PASSWORD, name="Jan Klant"):
        """A client account (clients arrive through invitations in a later issue)."""
        address = unique_email()
        with self.rpc(self.admin_principal()) as rpc:
            rpc.identity.create_account("client", address, name, language, password)
        return address

    def sms_lines(self):
        path = self.system.var / "sms.jsonl"
        return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []

    def sms_code(self, mobile, count=1, timeout=30):
        """The code in the `count`-th SMS to `mobile`, once it has been sent."""
        deadline = time.monotonic() + timeout
        while True:
            texts = [line["text"] for line in self.sms_lines() if line["to"] == mobile]
            if len(texts) >= count:
                return code_in(texts[count - 1])
            assert time.monotonic() < deadline, f"no SMS {count} to {mobile}"
            time.sleep(0.1)

    def logs(self):
        return "\n".join(
            p.read_text(errors="replace") for p in (self.system.var / "logs").glob("*.log")
        )


# Every test drives its system from 127.0.0.1: the limits per source address stay out
# of the way unless a fixture sets them (tests/e2e/test_guessing.py runs a system with
# the defaults and speaks from addresses of its own).
ADDRESS_LIMITS = {
    "REGISTRATIONS_PER_ADDRESS": "1000",
    "APP_LOGINS_PER_ADDRESS": "1000",
    "LOGIN_MISSES_PER_ADDRESS": "1000",
    "SMS_PER_ADDRESS": "1000",
    "SMS_PER_NUMBER": "1000",
}  # the suite's clients share a few numbers


# The suite's systems ask the services on every GET /health (no cache): their tests stop
# and start services and wait for health at once (tests/e2e/test_health_and_speed.py
# runs one with the cache).
FRESH_HEALTH = {"HEALTH_CACHE_S": "0"}


def start_system(tmp_path_factory, vhosts, label, **extra):
    extra = {**ADDRESS_LIMITS, **FRESH_HEALTH, **extra}
    var = tmp_path_factory.mktemp(label)
    env = {
        k: v
        for k, v in os.environ.items()
        if not any(k.startswith(p) or k.endswith(p) for p in KLUIS_KNOBS)
    }
    env.update(
        KLUIS_VAR=str(var),
        AMQP_URI=vhosts.create(label),
        WEB_SERVER_ADDRESS=f"127.0.0.1:{free_port()}",
        KLUIS_ADMIN_EMAIL=ADMIN_EMAIL,
        KLUIS_ADMIN_PASSWORD=ADMIN_PASSWORD,
        RELAY_INTERVAL_S="0.2",
        INBOX_RETRY_BASE_S="0.2",
        STALE_SENDING_S="3",
        **extra,
    )
    system = System(env, log_dir=var / "logs")
    try:
        system.prepare()
        system.start_all()
        system.wait_healthy(90)
    except BaseException:
        system.stop_all()
        raise
    return system


def start_replica(system, part, name, **env):
    """Another instance of `part` (a service or "gateway") in `system`, as a second
    replica would run: the system's environment with `env` on top (its own listening
    addresses), its log in `<name>.log`; stopped with the rest by `stop_all`."""
    config, cls = (
        ("gateway/config.yaml", "gateway.service:GatewayService")
        if part == "gateway"
        else (f"services/{part}/config.yaml", SERVICE_CLASSES[part])
    )
    system.spawn(
        name,
        [sys.executable, "-m", "services.common.nameko_cli", "run", "--config", config, cls],
        {**system.env, **env},
    )


@pytest.fixture(scope="session")
def kluis(tmp_path_factory, vhosts):
    system = start_system(tmp_path_factory, vhosts, "sqlite", IDENTIFY_MISSES_PER_HOUR="1000")
    yield Kluis(system)
    system.stop_all()


@pytest.fixture(scope="session")
def pg_kluis(tmp_path_factory, vhosts, databases):
    urls = {f"{name.upper()}_DB_URL": databases.create(name) for name in SERVICES}
    system = start_system(
        tmp_path_factory,
        vhosts,
        "postgres",
        SESSION_IDLE_TIMEOUT_S="3",
        SESSION_WARNING_S="1",
        KLUIS_PUBLIC_URL="https://portaal.example.nl",
        IDENTIFY_MISSES_PER_HOUR="1000",
        **urls,
    )
    yield Kluis(system)
    system.stop_all()


@pytest.fixture(scope="session")
def strict_kluis(tmp_path_factory, vhosts):
    """Tight limits: four identification misses an hour, minimum app versions. Its
    tests share one source address (127.0.0.1), so they stay few and in this module's
    order."""
    system = start_system(
        tmp_path_factory,
        vhosts,
        "strict",
        IDENTIFY_MISSES_PER_HOUR="4",
        MIN_IOS_VERSION="16.2",
        MIN_ANDROID_VERSION="12",
        MIN_APP_VERSION="3.0.10",
    )
    yield Kluis(system)
    system.stop_all()


@pytest.fixture(params=["sqlite", "postgres"])
def any_kluis(request):
    """The same test on SQLite and on PostgreSQL."""
    return request.getfixturevalue("kluis" if request.param == "sqlite" else "pg_kluis")


@pytest.fixture
def office(kluis):
    """A fresh office of the SQLite system (see staff_app.Office)."""
    from tests.e2e.staff_app import Office

    return Office(kluis, kluis.admin())


@pytest.fixture
def staff(office):
    """The signed-in, registered owner of `office`."""
    return office.staffed("owner")[1]
