"""Files built to cost the platform time (issue #14): a PDF with thousands of signature
fields sent to the anonymous verify endpoint, a questionnaire whose PDF would run to
thousands of pages. Each gets a clear 422 within its budget, and while it is being
handled every other request keeps being answered."""

import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from services.signing.pades import sign_pdf
from services.signing.platform_key import load_or_create
from tests import hostile, samples

from .conftest import Kluis, start_system
from .staff_app import Office
from .test_clients import _client, activate

PROMPT = 2.0  # seconds: generous for an answer from a system that is not stalled
LINES = "x\n" * 1000  # 1,999 characters once stripped: a valid answer, 1,000 lines


@pytest.fixture(scope="module")
def hostile_pdf(tmp_path_factory):
    """3,000 signature fields with a real CMS object each (about 9 MB): pyHanko spent
    8 s on such a file, on the gateway's own event loop."""
    identity = load_or_create(tmp_path_factory.mktemp("keys"))
    return hostile.signature_fields(3000, hostile.cms_of(sign_pdf(samples.pdf(), identity, "x")))


@pytest.fixture(scope="module")
def tight(tmp_path_factory, vhosts):
    """Budgets that let a hostile file start its expensive work and be stopped: no
    count of fields, a short time. Its tests share one source address (127.0.0.1)."""
    system = start_system(
        tmp_path_factory,
        vhosts,
        "tight",
        VERIFY_MAX_FIELDS="100000",
        VERIFY_TIMEOUT_S="3",
        VERIFY_RATE_BURST="4",
        QUESTIONNAIRE_PDF_TIMEOUT_S="2",
    )
    yield Kluis(system)
    system.stop_all()


def served_meanwhile(kluis, signed_in, path, slow_request):
    """Runs `slow_request` while asking /health and a signed-in GET `path` over and
    over: -> (its response, the slowest of those answers in seconds). Each must be 200."""
    slowest = 0.0
    with ThreadPoolExecutor(1) as pool:
        slow = pool.submit(slow_request)
        while not slow.done():
            for who, asked in ((kluis.client(), "/health"), (signed_in, path)):
                started = time.monotonic()
                response = who.get(asked, timeout=60)
                slowest = max(slowest, time.monotonic() - started)
                assert response.status_code == 200, response.text
        return slow.result(), slowest


def verify(kluis, content):
    return kluis.client().post(
        "/signatures/verify", files={"file": ("f.pdf", content)}, timeout=120
    )


def test_a_pdf_with_thousands_of_signature_fields_is_refused_promptly(kluis, hostile_pdf):
    response, slowest = served_meanwhile(
        kluis, kluis.admin(), "/me", lambda: verify(kluis, hostile_pdf)
    )
    assert response.status_code == 422, response.text
    assert response.json()["error"] == "pdf_too_complex"
    assert response.json()["details"]["max_fields"] == 50
    assert slowest < PROMPT
    english = (
        kluis.client(language="en")
        .post("/signatures/verify", files={"file": ("f.pdf", hostile_pdf)})
        .json()
    )
    assert english["message"].startswith("This PDF is too complex")


def test_a_check_beyond_its_time_is_stopped_while_others_are_served(tight, hostile_pdf):
    started = time.monotonic()
    response, slowest = served_meanwhile(
        tight, tight.admin(), "/me", lambda: verify(tight, hostile_pdf)
    )
    assert response.status_code == 422 and response.json()["error"] == "pdf_too_complex"
    assert slowest < PROMPT
    assert time.monotonic() - started < 30  # stopped: not left to run its course


def _questionnaire(kluis, staff, office, pages):
    client = _client(staff, office)
    portal = activate(kluis, staff, client)
    dossier = staff.post(
        f"/clients/{client['id']}/dossiers", json={"number": "HUGE-1", "description": "Vragenlijst"}
    ).json()
    template = staff.post(
        "/questionnaire-templates",
        json={
            "title": "Alles",
            "pages": [
                {
                    "title": f"Deel {p}",
                    "questions": [
                        {"key": f"q{p}_{n}", "label": f"Vraag {n}", "type": "text"}
                        for n in range(20)
                    ],
                }
                for p in range(pages)
            ],
        },
    )
    assert template.status_code == 201, template.text
    questionnaire = staff.post(
        f"/dossiers/{dossier['id']}/questionnaires", json={"template_id": template.json()["id"]}
    ).json()
    for p in range(pages):
        saved = portal.put(
            f"/questionnaires/{questionnaire['id']}/pages/{p + 1}",
            json={"answers": {f"q{p}_{n}": LINES for n in range(20)}},
        )
        assert saved.status_code == 200, saved.text
    return portal, questionnaire


def _refused_and_still_open(portal, questionnaire, response):
    assert response.status_code == 422, response.text
    assert response.json()["error"] == "questionnaire_too_large"
    assert response.json()["message"]
    assert portal.get(f"/questionnaires/{questionnaire['id']}").json()["status"] == "open"


def test_a_questionnaire_whose_pdf_would_be_huge_is_refused(kluis, office, staff):
    """80 answers of 1,000 lines: some 1,500 pages, minutes of rendering in dossier."""
    portal, questionnaire = _questionnaire(kluis, staff, office, pages=4)
    response, slowest = served_meanwhile(
        kluis,
        portal,
        "/dossiers",
        lambda: portal.post(f"/questionnaires/{questionnaire['id']}/complete", timeout=120),
    )
    _refused_and_still_open(portal, questionnaire, response)
    assert response.json()["details"]["max_pages"] == 1000
    assert slowest < PROMPT


def test_a_questionnaire_pdf_beyond_its_time_is_stopped(tight):
    """40 answers of 1,000 lines: under the page budget, over the 2 s of this system;
    dossier (GET /dossiers) keeps answering meanwhile."""
    office = Office(tight, tight.admin())
    staff = office.staffed("owner")[1]
    portal, questionnaire = _questionnaire(tight, staff, office, pages=2)
    started = time.monotonic()
    response, slowest = served_meanwhile(
        tight,
        portal,
        "/dossiers",
        lambda: portal.post(f"/questionnaires/{questionnaire['id']}/complete", timeout=120),
    )
    _refused_and_still_open(portal, questionnaire, response)
    assert slowest < PROMPT and time.monotonic() - started < 30


def test_verify_is_limited_per_source_address(tight):
    """Last in this module: it uses up the address's turns (4 in this system)."""
    answers = [verify(tight, b"geen pdf") for _ in range(6)]
    codes = [a.status_code for a in answers]
    assert 200 in codes and codes[-1] == 429, codes
    assert codes.index(429) <= 4 and set(codes[codes.index(429) :]) == {429}
    refused = answers[-1]
    assert refused.json()["error"] == "rate_limited" and int(refused.headers["Retry-After"]) >= 1
