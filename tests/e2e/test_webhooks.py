"""docs/api.md "Office systems: webhooks" and docs/integrations.md, through HTTP against
a whole system of its own: an owner registers endpoints on a local HTTPS receiver (its
own CA, trusted through WEBHOOK_CA_FILE), real actions deliver signed events, a 500 is
retried, a forbidden address and a redirect are never followed, persistent failure
pauses the endpoint and mails the owner, a redelivery resumes it. The retry window is
four seconds here (a day by default), the backoff a fifth of a second."""

import time

import pytest

from tests import samples
from tests.systems import Kluis, start_system, text_of

from .staff_app import Office
from .test_clients import _client
from .test_documents import upload
from .webhook_receiver import Receiver, make_certificates

PAUSED_NL = "Uw Kluis-webhook is gepauzeerd"


def wait_until(check, timeout=30):
    deadline = time.monotonic() + timeout
    while not (result := check()):
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(0.1)
    return result


@pytest.fixture(scope="module")
def certificates(tmp_path_factory):
    return make_certificates(tmp_path_factory.mktemp("webhook-tls"))


@pytest.fixture(scope="module")
def hooks_kluis(tmp_path_factory, vhosts, certificates):
    system = start_system(
        tmp_path_factory,
        vhosts,
        "webhooks",
        WEBHOOK_ALLOW_LOOPBACK="1",
        WEBHOOK_CA_FILE=str(certificates[0]),
        WEBHOOK_RETRY_BASE_S="0.2",
        WEBHOOK_RETRY_MAX_S="0.5",
        WEBHOOK_RETRY_WINDOW_S="4",
        WEBHOOK_CONNECT_TIMEOUT_S="2",
        WEBHOOK_TIMEOUT_S="3",
    )
    yield Kluis(system)
    system.stop_all()


@pytest.fixture(scope="module")
def receiver(certificates):
    server = Receiver(certificates[1], certificates[2])
    yield server
    server.stop()


@pytest.fixture
def office(hooks_kluis):
    office = Office(hooks_kluis, hooks_kluis.admin())
    office.owner_person = office.add(office.admin, "owner")
    office.owner = office.register(office.owner_person, office.admin)[1]
    return office


def register(office, receiver, path, events, host="127.0.0.1"):
    endpoint = receiver.endpoint(path)
    response = office.owner.post(
        f"/offices/{office.id}/webhooks",
        json={"url": receiver.url(endpoint, host), "events": events},
    )
    assert response.status_code == 201, response.text
    created = response.json()
    endpoint.secret = created["secret"]
    return endpoint, created


def webhook(office, webhook_id):
    listed = office.owner.get(f"/offices/{office.id}/webhooks")
    assert listed.status_code == 200, listed.text
    return next(w for w in listed.json()["items"] if w["id"] == webhook_id)


def dossier_of(office):
    client = _client(office.owner, office)
    dossier = office.owner.post(
        f"/clients/{client['id']}/dossiers", json={"number": "W-1", "description": "Hypotheek"}
    )
    assert dossier.status_code == 201, dossier.text
    return client, dossier.json()


def delivered(office, webhook_id, count=1):
    """The endpoint's deliveries once `count` of them are delivered."""

    def done():
        log = webhook(office, webhook_id)["deliveries"]
        return log if sum(d["status"] == "delivered" for d in log) >= count else None

    return wait_until(done)


def attempted(office, webhook_id, times):
    """The endpoint's one delivery once it was tried `times` times."""

    def done():
        log = webhook(office, webhook_id)["deliveries"]
        return log[0] if log and log[0]["attempts"] >= times else None

    return wait_until(done)


def test_real_actions_are_delivered_signed_with_ids_only(office, receiver):
    endpoint, created = register(
        office, receiver, "/hooks/actions", ["document_uploaded", "client_invited"]
    )
    assert created["secret"].startswith("whsec_") and created["status"] == "active"
    assert created["events"] == ["document_uploaded", "client_invited"]
    assert "secret" not in webhook(office, created["id"])  # shown once
    client, dossier = dossier_of(office)
    uploaded = upload(office.owner, dossier["id"], samples.pdf("Loonstrook"), name="loon.pdf")
    assert uploaded.status_code == 201, uploaded.text
    assert office.owner.post(f"/clients/{client['id']}/invitation").status_code == 202

    wait_until(lambda: len(endpoint.received) >= 2)
    assert all(r["valid"] for r in endpoint.received)
    by_type = {r["json"]["type"]: r for r in endpoint.received}
    document = by_type["document_uploaded"]
    assert document["json"]["data"] == {
        "document_id": uploaded.json()["id"],
        "dossier_id": dossier["id"],
        "client_id": client["id"],
        "request_id": None,
    }
    assert document["json"]["office_id"] == office.id
    assert document["headers"]["Kluis-Webhook-Id"] == document["json"]["id"]
    assert document["headers"]["Content-Type"] == "application/json"
    assert "loon" not in document["body"].decode()  # no names, no titles: ids only
    assert by_type["client_invited"]["json"]["data"] == {"client_id": client["id"]}
    log = delivered(office, created["id"], 2)
    assert {(d["event_type"], d["attempts"], d["last_status_code"]) for d in log} == {
        ("document_uploaded", 1, 200),
        ("client_invited", 1, 200),
    }


def test_a_500_is_retried_with_the_same_event_until_it_is_accepted(office, receiver):
    endpoint, created = register(office, receiver, "/hooks/flaky", ["client_invited"])
    endpoint.answers = [500, 503]
    client = _client(office.owner, office)
    assert office.owner.post(f"/clients/{client['id']}/invitation").status_code == 202

    log = delivered(office, created["id"])
    assert log[0]["attempts"] == 3 and log[0]["last_status_code"] == 200
    assert len(endpoint.received) == 3 and all(r["valid"] for r in endpoint.received)
    assert len({r["headers"]["Kluis-Webhook-Id"] for r in endpoint.received}) == 1
    assert len({r["body"] for r in endpoint.received}) == 1  # the same bytes each time


def test_forbidden_addresses_and_redirects_are_never_reached(office, receiver):
    owner = office.owner
    refusals = {
        # Plain HTTP: to loopback only, and only because this system allows loopback
        # (WEBHOOK_ALLOW_LOOPBACK=1, docs/api.md); elsewhere never.
        "http://erp.example.nl/hooks": "webhook_url_not_https",
        "http://93.184.216.34/hooks": "webhook_url_not_https",
        "https://10.0.0.7/hooks": "webhook_address_forbidden",
        "https://169.254.169.254/latest/meta-data": "webhook_address_forbidden",
        "https://[fd00::2]/hooks": "webhook_address_forbidden",
    }
    for url, code in refusals.items():
        response = owner.post(
            f"/offices/{office.id}/webhooks", json={"url": url, "events": ["client_invited"]}
        )
        assert (response.status_code, response.json()["error"]) == (422, code), url
        assert response.json()["message"]
    unknown = owner.post(
        f"/offices/{office.id}/webhooks",
        json={"url": "https://127.0.0.1/x", "events": ["client_invited", "everything"]},
    )
    assert unknown.status_code == 422 and unknown.json()["error"] == "unknown_webhook_event"
    assert owner.get(f"/offices/{office.id}/webhooks").json()["items"] == []

    # "0" is a name, resolved at delivery to 0.0.0.0 (this machine): refused then.
    hidden, hidden_hook = register(office, receiver, "/hooks/hidden", ["client_invited"], "0")
    elsewhere = receiver.endpoint("/hooks/elsewhere")
    moved, moved_hook = register(office, receiver, "/hooks/moved", ["client_invited"])
    moved.default, moved.location = 302, receiver.url(elsewhere)
    client = _client(owner, office)
    assert owner.post(f"/clients/{client['id']}/invitation").status_code == 202

    attempt = attempted(office, hidden_hook["id"], 2)
    assert attempt["status"] == "pending" and attempt["last_error"] == "address_forbidden"
    assert attempt["last_status_code"] is None and hidden.received == []
    attempt = attempted(office, moved_hook["id"], 2)
    assert attempt["last_status_code"] == 302
    assert attempt["last_error"] == "redirect not followed"
    assert len(moved.received) >= 2 and elsewhere.received == []


def test_persistent_failure_pauses_and_mails_the_owner_until_a_redelivery(
    hooks_kluis, office, receiver
):
    endpoint, created = register(office, receiver, "/hooks/down", ["client_invited"])
    endpoint.default = 500
    first = _client(office.owner, office)
    assert office.owner.post(f"/clients/{first['id']}/invitation").status_code == 202

    def paused_hook():
        found = webhook(office, created["id"])
        return found if found["status"] == "paused" else None

    paused = wait_until(paused_hook)
    assert paused["paused_at"] and paused["deliveries"][0]["status"] == "failed"
    assert paused["deliveries"][0]["last_error"] == "http 500"
    mail = hooks_kluis.mail.wait_for(office.owner_person["email"], subject=PAUSED_NL)
    assert receiver.url(endpoint) in text_of(mail[0]) and "http 500" in text_of(mail[0])
    tried = len(endpoint.received)

    # Paused: a new event waits, nothing is sent.
    second = _client(office.owner, office)
    assert office.owner.post(f"/clients/{second['id']}/invitation").status_code == 202
    wait_until(lambda: len(webhook(office, created["id"])["deliveries"]) == 2)
    assert webhook(office, created["id"])["deliveries"][0]["status"] == "pending"
    assert len(endpoint.received) == tried

    endpoint.default = 200
    failed = paused["deliveries"][0]
    again = office.owner.post(
        f"/offices/{office.id}/webhooks/{created['id']}/deliveries/{failed['id']}/redeliver"
    )
    assert again.status_code == 202, again.text
    assert again.json()["status"] == "pending" and again.json()["event_id"] == failed["event_id"]
    log = delivered(office, created["id"], 2)
    assert webhook(office, created["id"])["status"] == "active"
    assert {d["status"] for d in log} == {"delivered"}
    assert all(r["valid"] for r in endpoint.received)
    ids = [r["headers"]["Kluis-Webhook-Id"] for r in endpoint.received]
    assert failed["event_id"] in ids[tried:]  # the same event id: the receiver dedupes
    assert len(hooks_kluis.mail.messages(office.owner_person["email"], PAUSED_NL)) == 1


def test_only_the_offices_owner_sees_or_changes_its_webhooks(hooks_kluis, office, receiver):
    endpoint, created = register(office, receiver, "/hooks/mine", ["client_invited"])
    client = _client(office.owner, office)
    assert office.owner.post(f"/clients/{client['id']}/invitation").status_code == 202
    delivery = delivered(office, created["id"])[0]

    other = Office(hooks_kluis, office.admin)
    other_owner = other.staffed("owner")[1]
    colleague = office.staffed("staff_manager", office.owner)[1]
    base = f"/offices/{office.id}/webhooks"
    redeliver = f"{base}/{created['id']}/deliveries/{delivery['id']}/redeliver"
    # Another office's owner and the office's other staff: not found; the admin, who
    # is no staff member anywhere: forbidden, as on every staff-only route.
    for who, status in ((other_owner, 404), (colleague, 404), (office.admin, 403)):
        assert who.get(base).status_code == status
        assert (
            who.post(base, json={"url": "https://127.0.0.1/x", "events": ["client_invited"]})
        ).status_code == status
        assert who.post(redeliver).status_code == status
        assert who.delete(f"{base}/{created['id']}").status_code == status
    # Through the other office's own path, the webhook does not exist either.
    assert other_owner.delete(f"/offices/{other.id}/webhooks/{created['id']}").status_code == 404
    assert (
        other_owner.post(
            f"/offices/{other.id}/webhooks/{created['id']}/deliveries/{delivery['id']}/redeliver"
        ).status_code
        == 404
    )
    assert webhook(office, created["id"])["status"] == "active"

    assert office.owner.delete(f"{base}/{created['id']}").status_code == 204
    assert office.owner.get(base).json()["items"] == []
    assert office.owner.post(redeliver).status_code == 404
