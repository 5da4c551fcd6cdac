"""Operations at scale (docs/operations.md "Metrics and logs"): every log line caused by
an HTTP request carries its X-Request-ID, in the gateway and in each service the
request reaches."""
import re
import time
import uuid

import pytest
import requests

from services.common.settings import SERVICE_CLASSES

from .conftest import Kluis, start_system


@pytest.fixture(scope="module")
def debug_kluis(tmp_path_factory, vhosts):
    """A system logging at DEBUG: nameko then logs each worker a service runs, so a
    request leaves a line in every service it reaches."""
    system = start_system(tmp_path_factory, vhosts, "debuglogs", LOG_LEVEL="DEBUG")
    yield Kluis(system)
    system.stop_all()


def log_of(kluis, part):
    return (kluis.system.var / "logs" / f"{part}.log").read_text(errors="replace")


def wait_for_lines(kluis, parts, text, timeout=15):
    """-> {part: [its lines holding text]} once every part has one (a deadline, no sleep
    assertions: a part writes its lines as it goes)."""
    deadline = time.monotonic() + timeout
    while True:
        found = {part: [line for line in log_of(kluis, part).splitlines() if text in line]
                 for part in parts}
        if all(found.values()) or time.monotonic() > deadline:
            return found
        time.sleep(0.1)


def test_a_requests_id_is_on_its_lines_in_the_gateway_and_every_service_it_reaches(
        debug_kluis):
    request_id = f"trace-{uuid.uuid4().hex[:12]}"
    # /health asks every service (the suite's systems do not cache it): one request,
    # five services reached.
    response = requests.get(debug_kluis.base_url + "/health",
                            headers={"X-Request-ID": request_id}, timeout=30)
    assert response.status_code == 200
    assert response.headers["X-Request-ID"] == request_id
    parts = ["gateway", *SERVICE_CLASSES]
    found = wait_for_lines(debug_kluis, parts, f"[request_id={request_id}]")
    assert all(found.values()), {part: len(lines) for part, lines in found.items()}
    # the access log line too, and in each service the worker that answered
    assert any('"GET /api/v1/health HTTP/1.1" 200' in line for line in found["gateway"])
    for service in SERVICE_CLASSES:
        assert any(f"{service}.health" in line for line in found[service]), service


def test_a_made_up_request_id_is_logged_and_a_malformed_one_replaced(debug_kluis):
    response = requests.get(debug_kluis.base_url + "/health",
                            headers={"X-Request-ID": "bad id; ERROR forged line"}, timeout=30)
    made = response.headers["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", made)
    found = wait_for_lines(debug_kluis, ["gateway", "identity"], f"[request_id={made}]")
    assert all(found.values())
    assert "forged line" not in log_of(debug_kluis, "gateway")
