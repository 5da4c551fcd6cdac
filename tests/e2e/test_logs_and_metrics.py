"""Operations at scale (docs/operations.md "Metrics and logs"): every log line caused by
an HTTP request carries its X-Request-ID, in the gateway and in each service the
request reaches; every part serves Prometheus metrics on an address of its own."""

import re
import time
import uuid

import pytest
import requests
from prometheus_client.parser import text_string_to_metric_families

from deploy.processes import free_port
from deploy.system import PARTS
from services.common.settings import SERVICE_CLASSES

from .conftest import ADMIN_EMAIL, Kluis, start_system


@pytest.fixture(scope="module")
def debug_kluis(tmp_path_factory, vhosts):
    """A system logging at DEBUG (the Telemetry provider then logs each worker a
    service runs, so a request leaves a line in every service it reaches), each part
    serving its metrics on a port of its own."""
    addresses = {f"{part.upper()}_METRICS_ADDRESS": f"127.0.0.1:{free_port()}" for part in PARTS}
    system = start_system(tmp_path_factory, vhosts, "debuglogs", LOG_LEVEL="DEBUG", **addresses)
    kluis = Kluis(system)
    kluis.metrics_urls = {
        part: f"http://{addresses[f'{part.upper()}_METRICS_ADDRESS']}/metrics" for part in PARTS
    }
    yield kluis
    system.stop_all()


def scrape(kluis, part):
    """-> {(name, sorted labels): value} of one part's /metrics."""
    response = requests.get(kluis.metrics_urls[part], timeout=10)
    assert response.status_code == 200
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(response.text)
        for sample in family.samples
    }


def value(samples, name, **labels):
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


def log_of(kluis, part):
    return (kluis.system.var / "logs" / f"{part}.log").read_text(errors="replace")


def wait_for_lines(kluis, parts, text, timeout=15):
    """-> {part: [its lines holding text]} once every part has one (a deadline, no sleep
    assertions: a part writes its lines as it goes)."""
    deadline = time.monotonic() + timeout
    while True:
        found = {
            part: [line for line in log_of(kluis, part).splitlines() if text in line]
            for part in parts
        }
        if all(found.values()) or time.monotonic() > deadline:
            return found
        time.sleep(0.1)


def test_a_requests_id_is_on_its_lines_in_the_gateway_and_every_service_it_reaches(debug_kluis):
    request_id = f"trace-{uuid.uuid4().hex[:12]}"
    # /health asks every service (the suite's systems do not cache it): one request,
    # five services reached.
    response = requests.get(
        debug_kluis.base_url + "/health", headers={"X-Request-ID": request_id}, timeout=30
    )
    assert response.status_code == 200
    assert response.headers["X-Request-ID"] == request_id
    parts = ["gateway", *SERVICE_CLASSES]
    found = wait_for_lines(debug_kluis, parts, f"[request_id={request_id}]")
    assert all(found.values()), {part: len(lines) for part, lines in found.items()}
    # the access log line too (written once the answer is out), and in each service
    # the worker that answered
    access = wait_for_lines(debug_kluis, ["gateway"], f"[request_id={request_id}] 127.0.0.1 - - [")[
        "gateway"
    ]
    assert any('"GET /api/v1/health HTTP/1.1" 200' in line for line in access)
    for service in SERVICE_CLASSES:
        assert any(f"{service}.health" in line for line in found[service]), service


def test_a_requests_id_travels_through_the_outbox_to_the_handler_in_another_service(debug_kluis):
    """identity records the e-mail command in its outbox during the request; the relay
    publishes it later, from a thread of its own: notify's worker that handles it still
    logs with the request's id."""
    request_id = f"outbox-{uuid.uuid4().hex[:12]}"
    response = requests.post(
        debug_kluis.base_url + "/auth/password/forgot",
        json={"email": ADMIN_EMAIL},
        headers={"X-Request-ID": request_id},
        timeout=30,
    )
    assert response.status_code == 202
    found = wait_for_lines(debug_kluis, ["notify"], f"[request_id={request_id}]")["notify"]
    assert any("notify.handle_command took" in line for line in found), found


def test_a_made_up_request_id_is_logged_and_a_malformed_one_replaced(debug_kluis):
    response = requests.get(
        debug_kluis.base_url + "/health",
        headers={"X-Request-ID": "bad id; ERROR forged line"},
        timeout=30,
    )
    made = response.headers["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", made)
    found = wait_for_lines(debug_kluis, ["gateway", "identity"], f"[request_id={made}]")
    assert all(found.values())
    assert "forged line" not in log_of(debug_kluis, "gateway")


def test_the_gateways_metrics_count_requests_by_route_template_and_status(debug_kluis):
    before = scrape(debug_kluis, "gateway")
    client = debug_kluis.client()
    for _ in range(3):
        assert client.get("/health").status_code == 200
    client_path = f"/clients/{uuid.uuid4()}"
    assert client.get(client_path).status_code == 401  # anonymous: refused before anything
    after = scrape(debug_kluis, "gateway")
    health = {"method": "GET", "route": "/api/v1/health", "status": "200"}
    assert (
        value(after, "kluis_http_requests_total", **health)
        - value(before, "kluis_http_requests_total", **health)
        == 3
    )
    assert (
        value(
            after,
            "kluis_http_requests_total",
            method="GET",
            route="/api/v1/clients/<client_id>",
            status="401",
        )
        >= 1
    )
    assert not any(client_path in str(labels) for _, labels in after)  # templates, not paths
    assert (
        value(after, "kluis_http_request_seconds_count", method="GET", route="/api/v1/health") >= 3
    )
    assert ("kluis_uploads_in_flight", ()) in after


def test_the_services_metrics_count_rpc_calls_mail_and_read_the_outbox(debug_kluis):
    before = {part: scrape(debug_kluis, part) for part in ("identity", "notify")}
    assert debug_kluis.client().get("/health").status_code == 200
    forgot = debug_kluis.client().post("/auth/password/forgot", json={"email": ADMIN_EMAIL})
    assert forgot.status_code == 202
    debug_kluis.mail.wait_for(ADMIN_EMAIL, subject=None)
    calls = {"service": "identity", "method": "health", "outcome": "ok"}
    deadline = time.monotonic() + 15
    while True:  # the e-mail is in the sink a moment before notify counts it
        after = {part: scrape(debug_kluis, part) for part in ("identity", "notify")}
        sent = value(
            after["notify"], "kluis_notifications_total", channel="email", status="delivered"
        ) - value(
            before["notify"], "kluis_notifications_total", channel="email", status="delivered"
        )
        if sent >= 1 or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    assert sent >= 1
    assert (
        value(after["identity"], "kluis_rpc_calls_total", **calls)
        - value(before["identity"], "kluis_rpc_calls_total", **calls)
        >= 1
    )
    assert (
        value(after["identity"], "kluis_rpc_seconds_count", service="identity", method="health")
        >= 1
    )
    for part in SERVICE_CLASSES:
        samples = scrape(debug_kluis, part)
        for name in (
            "kluis_outbox_backlog",
            "kluis_outbox_oldest_age_seconds",
            "kluis_parked_messages",
        ):
            assert (name, (("service", part),)) in samples, (part, name)
        assert value(samples, "kluis_parked_messages", service=part) == 0


ALARMING = re.compile(r" (WARNING|ERROR|CRITICAL) |Traceback|Exception|Error:")


def test_a_normal_start_logs_no_warnings_errors_or_tracebacks(tmp_path_factory, vhosts):
    """Started as `make run` starts it (health polled while the services still come up,
    dossier's backfill asking documents that may not be up yet): nothing alarming."""
    system = start_system(tmp_path_factory, vhosts, "quietstart")
    try:
        kluis = Kluis(system)
        assert kluis.client().get("/health").status_code == 200
        # dossier's backfill has had documents' answer: the start is over
        assert wait_for_lines(
            kluis, ["dossier"], "backfill of document facts is complete", timeout=30
        )["dossier"]
        alarming = {
            part: [line for line in log_of(kluis, part).splitlines() if ALARMING.search(line)]
            for part in PARTS
        }
    finally:
        system.stop_all()
    assert not any(alarming.values()), alarming


def test_an_upload_carries_its_request_id_to_the_blob_endpoint_and_counts_its_bytes(debug_kluis):
    from tests import samples

    from .staff_app import Office
    from .test_clients import _client, activate

    office = Office(debug_kluis, debug_kluis.admin())
    staff = office.staffed("owner")[1]
    client = _client(staff, office)
    activate(debug_kluis, staff, client)
    dossier = staff.post(
        f"/clients/{client['id']}/dossiers",
        json={"number": "D-1", "description": "Hypotheek Kerkstraat 4"},
    ).json()
    before = {part: scrape(debug_kluis, part) for part in ("gateway", "documents")}
    content = samples.pdf("metrics")
    request_id = f"upload-{uuid.uuid4().hex[:12]}"
    response = staff.post(
        f"/dossiers/{dossier['id']}/documents",
        data={"category": "document"},
        files={"file": ("stuk.pdf", content, "application/octet-stream")},
        headers={"X-Request-ID": request_id},
    )
    assert response.status_code == 201, response.text
    found = wait_for_lines(
        debug_kluis, ["documents"], f"[request_id={request_id}] documents.receive_blob took"
    )
    assert found["documents"]  # the gateway streamed it there over HTTP, with the id
    after = {part: scrape(debug_kluis, part) for part in ("gateway", "documents")}
    for part in ("gateway", "documents"):
        received = value(after[part], "kluis_upload_bytes_total") - value(
            before[part], "kluis_upload_bytes_total"
        )
        assert received == len(content), part
    assert value(after["gateway"], "kluis_uploads_in_flight") == 0
