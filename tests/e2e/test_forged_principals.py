"""What someone who can publish to RabbitMQ (but holds no key) gets from the services:
nothing. Each attack publishes a raw nameko RPC request with kombu, as an attacker on
the broker would (exchange `nameko-rpc`, routing key `<service>.<method>`, the principal
in the `nameko.principal` header, a reply queue of their own), past the gateway.

"Replayed" here means: a signed principal captured off the bus (it travels on every
call of its session) used again after its session ended. It is a bearer credential
for at most PRINCIPAL_TTL_S: identity refuses it at once for anything that looks the
session up (describe_session, logout), and every service refuses it once it expired."""

import base64
import json
import time
import uuid

import pytest
from cryptography.hazmat.primitives.asymmetric import ed25519
from kombu import Connection, Exchange, Queue

from services.common.context import Principal, sign
from tests.systems import ADMIN_EMAIL, ADMIN_PASSWORD, Kluis, start_system

from .conftest import unique_email
from .staff_app import Office
from .test_clients import _client

RPC_EXCHANGE = Exchange("nameko-rpc", type="topic", durable=True)
REPLAY_TTL_S = 10


def publish_call(kluis, service, method, principal_header, *args, **kwargs):
    """One RPC request straight onto the bus -> ("result", value) or ("error", exc_type)."""
    reply_to = f"attacker-{uuid.uuid4().hex}"
    correlation_id = uuid.uuid4().hex
    with Connection(kluis.system.env["AMQP_URI"]) as connection:
        queue = Queue(
            reply_to, exchange=RPC_EXCHANGE, routing_key=reply_to, exclusive=True, auto_delete=True
        )
        replies = []
        with connection.Consumer(
            queue, callbacks=[lambda body, msg: (replies.append(body), msg.ack())]
        ):
            headers = {"nameko.language": "nl", "nameko.call_id_stack": ["attacker.0"]}
            if principal_header is not None:
                headers["nameko.principal"] = principal_header
            connection.Producer().publish(
                {"args": list(args), "kwargs": kwargs},
                exchange=RPC_EXCHANGE,
                routing_key=f"{service}.{method}",
                reply_to=reply_to,
                correlation_id=correlation_id,
                headers=headers,
                serializer="json",
                retry=True,
                declare=[RPC_EXCHANGE],
            )
            deadline = time.monotonic() + 30
            while not replies:
                assert time.monotonic() < deadline, f"no reply from {service}.{method}"
                try:
                    connection.drain_events(timeout=1)
                except TimeoutError:
                    pass
    reply = replies[0]
    if isinstance(reply, (str, bytes)):
        reply = json.loads(reply)
    if reply.get("error"):
        return "error", reply["error"]["exc_type"]
    return "result", reply["result"]


@pytest.fixture(scope="module")
def two_offices(kluis):
    admin = kluis.admin()
    a, b = Office(kluis, admin), Office(kluis, admin)
    staff_a, staff_b = a.staffed("owner")[1], b.staffed("owner")[1]
    client = _client(staff_a, a)
    return a, staff_a, staff_b, client


def staff_principal(kluis, who):
    return kluis.principal_of(who)


def test_a_forged_staff_principal_lists_no_other_office_clients(kluis, two_offices):
    a, staff_a, staff_b, client = two_offices
    staff_b_id = staff_b.get("/me").json()["id"]
    forged = Principal(staff_b_id, "staff", offices={a.id: "owner"})
    assert publish_call(kluis, "dossier", "list_clients", forged.to_json()) == (
        "error",
        "Unauthenticated",
    )
    # The same request with a principal identity signed is answered: the bus path works.
    outcome, listed = publish_call(
        kluis, "dossier", "list_clients", kluis.sign(staff_principal(kluis, staff_a)).signed
    )
    assert outcome == "result" and client["id"] in [c["id"] for c in listed["items"]]


def test_a_forged_admin_principal_creates_no_admin(kluis):
    address = unique_email("beheer")
    forged = Principal(kluis.admin_principal().account_id, "admin")
    assert publish_call(
        kluis,
        "identity",
        "create_account",
        forged.to_json(),
        "admin",
        address,
        "Mallory",
        "nl",
        "Mallory-Wachtwoord-9",
    ) == ("error", "Unauthenticated")
    refused = kluis.client().post(
        "/auth/login", json={"email": address, "password": "Mallory-Wachtwoord-9"}
    )
    assert refused.status_code == 401


def test_a_forged_or_wrongly_signed_service_principal_is_refused(kluis):
    call = ("identity", "prepare_client_account")
    arguments = (unique_email(), "Mallory", None, "nl")
    dossier = Principal("dossier", "service")
    assert publish_call(kluis, *call, dossier.to_json(), *arguments) == ("error", "Unauthenticated")
    # signing's key does not vouch for dossier, and signing may not ask for accounts
    as_dossier = kluis.sign(dossier, issuer="signing").signed
    assert publish_call(kluis, *call, as_dossier, *arguments) == ("error", "Unauthenticated")
    as_signing = kluis.sign(Principal("signing", "service"), issuer="signing").signed
    assert publish_call(kluis, *call, as_signing, *arguments) == ("error", "Forbidden")
    # identity's key signs people, never services
    assert publish_call(kluis, *call, kluis.sign(dossier).signed, *arguments) == (
        "error",
        "Unauthenticated",
    )


def test_an_expired_signed_principal_is_refused(kluis, two_offices):
    _, staff_a, _, _ = two_offices
    expired = kluis.sign(staff_principal(kluis, staff_a), ttl_s=60, now=time.time() - 61)
    assert publish_call(kluis, "dossier", "list_clients", expired.signed) == (
        "error",
        "Unauthenticated",
    )


def test_an_altered_signed_principal_is_refused(kluis, two_offices):
    a, staff_a, staff_b, _ = two_offices
    good = kluis.sign(staff_principal(kluis, staff_b)).signed
    prefix, payload, signature = good.split(".")
    flipped = ("B" if signature[0] == "A" else "A") + signature[1:]
    assert publish_call(kluis, "dossier", "list_clients", f"{prefix}.{payload}.{flipped}") == (
        "error",
        "Unauthenticated",
    )
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["offices"] = {a.id: "owner"}  # staff b claims office a under b's signature
    altered = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    assert publish_call(kluis, "dossier", "list_clients", f"{prefix}.{altered}.{signature}") == (
        "error",
        "Unauthenticated",
    )
    # a principal signed with a key of the attacker's own, naming identity as signer
    theirs = sign(
        Principal(staff_b.get("/me").json()["id"], "staff", offices={a.id: "owner"}),
        "identity",
        key=ed25519.Ed25519PrivateKey.generate(),
    )
    assert publish_call(kluis, "dossier", "list_clients", theirs.signed) == (
        "error",
        "Unauthenticated",
    )


@pytest.fixture(scope="module")
def short_lived(tmp_path_factory, vhosts):
    """A system whose signed principals live REPLAY_TTL_S seconds."""
    system = start_system(tmp_path_factory, vhosts, "shortttl", PRINCIPAL_TTL_S=str(REPLAY_TTL_S))
    yield Kluis(system)
    system.stop_all()


def test_a_principal_replayed_after_its_session_ended_is_refused(short_lived):
    kluis = short_lived
    token = kluis.login(ADMIN_EMAIL, ADMIN_PASSWORD)
    outcome, found = publish_call(kluis, "identity", "authenticate", None, token)
    assert outcome == "result" and found["expires_at"] <= time.time() + REPLAY_TTL_S + 1
    captured = found["signed"]  # as it travels on every call of the session
    assert publish_call(kluis, "identity", "list_login_attempts", captured)[0] == "result"
    # The normal flow signs a fresh one per request, so HTTP outlives any one signature.
    assert kluis.client(token).post("/auth/logout").status_code in (200, 204)
    assert publish_call(kluis, "identity", "describe_session", captured) == (
        "error",
        "Unauthenticated",
    )
    while time.time() <= found["expires_at"]:
        time.sleep(0.2)
    assert publish_call(kluis, "identity", "list_login_attempts", captured) == (
        "error",
        "Unauthenticated",
    )


def test_the_normal_flow_outlives_one_signature(short_lived):
    """Every request gets a principal signed for it: a session lasts longer than one."""
    token = short_lived.login(ADMIN_EMAIL, ADMIN_PASSWORD)
    client = short_lived.client(token)
    assert client.get("/me").status_code == 200
    first = publish_call(short_lived, "identity", "authenticate", None, token)[1]
    while time.time() <= first["expires_at"]:
        time.sleep(0.2)
    assert client.get("/me").status_code == 200
