"""HDN document requests (DA messages) and the validity of delivered documents, through
HTTP against a whole system (docs/integrations.md "HDN documentaanvraag (DA)"): import
new, repeated and updated DAs, refuse invalid and unsafe ones naming the element, keep
lender items hidden and source-fetched items informational, and let a payslip go stale.

The system runs with a payslip valid for seconds and a sweep every second, so that a
stale delivery can be watched going back to the client."""

from pathlib import Path

import pytest

from gateway.messages import error_message
from tests import samples

from .conftest import Kluis, start_system, text_of
from .staff_app import Office
from .test_clients import _client, activate
from .test_documents import wait_until

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "hdn"
FIRST = (FIXTURES / "da_first.xml").read_bytes()
UPDATE = (FIXTURES / "da_update.xml").read_bytes()
XML = {"Content-Type": "application/xml"}
PAYSLIP_VALID_S = 6


@pytest.fixture(scope="module")
def hdn_kluis(tmp_path_factory, vhosts):
    system = start_system(
        tmp_path_factory,
        vhosts,
        "hdn",
        IDENTIFY_MISSES_PER_HOUR="1000",
        DOCUMENT_VALIDITY=f"payslip={PAYSLIP_VALID_S}s",
        DOCUMENT_VALIDITY_CHECK_INTERVAL_S="1",
    )
    yield Kluis(system)
    system.stop_all()


@pytest.fixture
def case(hdn_kluis):
    """An office with its owner, an activated client and a dossier."""
    office = Office(hdn_kluis, hdn_kluis.admin())
    staff = office.staffed("owner")[1]
    client = _client(staff, office)
    portal = activate(hdn_kluis, staff, client)
    dossier = staff.post(
        f"/clients/{client['id']}/dossiers", json={"number": "D-7", "description": "Hypotheek"}
    ).json()
    return {"office": office, "staff": staff, "client": client, "portal": portal, **dossier}


def post_da(who, dossier_id, body, headers=XML):
    return who.post(f"/dossiers/{dossier_id}/hdn/da", data=body, headers=headers)


def by_code(who, dossier_id):
    items = who.get(f"/dossiers/{dossier_id}/requests").json()["items"]
    return {item["hdn_code"]: item for item in items}


def test_a_da_becomes_requests_and_a_repeat_changes_nothing(hdn_kluis, case):
    staff, portal, email = case["staff"], case["portal"], case["client"]["email"]
    mails = len(hdn_kluis.mail.messages(email))
    first = post_da(staff, case["id"], FIRST)
    assert first.status_code == 200, first.text
    answer = first.json()
    assert answer["application_number"] == "HDN-2026-004711"
    assert (answer["created"], answer["updated"], answer["unchanged"]) == (5, 0, 0)
    requests = by_code(staff, case["id"])
    assert {code: r["status"] for code, r in requests.items()} == {
        "001": "open",
        "002": "open",
        "014": "approved",
        "010": "open",
        "020": "provisional",
    }
    assert requests["001"]["document_type"] == "payslip"
    assert requests["010"]["deliver_by"] == "lender" and requests["014"]["deliver_by"] == "source"
    told = text_of(hdn_kluis.mail.wait_for(email, count=mails + 1)[mails])
    assert "Salarisstrook" in told and "Taxatierapport" not in told  # the lender's stays hidden

    again = post_da(staff, case["id"], FIRST)
    assert again.status_code == 200
    assert (again.json()["created"], again.json()["updated"], again.json()["unchanged"]) == (
        0,
        0,
        5,
    )
    assert by_code(staff, case["id"]) == requests

    # What the client sees: never the lender's item; the source-fetched one for information.
    theirs = by_code(portal, case["id"])
    assert set(theirs) == {"001", "002", "014", "020"}
    actions = [a["title"] for a in portal.get("/actions").json()["items"]]
    assert sorted(actions) == ["Salarisstrook", "Werkgeversverklaring"]
    refused = portal.post(
        f"/requests/{theirs['014']['id']}/uploads", files={"file": ("ib.pdf", samples.pdf())}
    )
    assert refused.status_code == 409 and refused.json()["error"] == "request_closed"
    lender_item = requests["010"]["id"]
    hidden = portal.post(
        f"/requests/{lender_item}/uploads", files={"file": ("t.pdf", samples.pdf())}
    )
    assert hidden.status_code == 404

    # The update: the client hears of exactly what changed, in one e-mail, and the repeat
    # above sent none (it would have arrived before this one).
    updated = post_da(staff, case["id"], UPDATE)
    assert updated.status_code == 200, updated.text
    assert (updated.json()["updated"], updated.json()["unchanged"]) == (4, 1)
    now = by_code(staff, case["id"])
    assert now["001"]["status"] == "rejected" and "onleesbaar" in now["001"]["reason"]
    assert (now["002"]["status"], now["020"]["status"], now["010"]["status"]) == (
        "approved",
        "approved",
        "approved",
    )
    message = hdn_kluis.mail.wait_for(email, count=mails + 2)[mails + 1]
    changed = text_of(message)
    assert "Salarisstrook: afgekeurd" in changed and "Werkgeversverklaring: goedgekeurd" in changed
    assert "Taxatierapport" not in changed and "Aanslag" not in changed  # unchanged, or hidden
    assert len(hdn_kluis.mail.messages(email)) == mails + 2
    assert [a["title"] for a in portal.get("/actions").json()["items"]] == ["Salarisstrook"]


XXE = b"""<?xml version="1.0"?>
<!DOCTYPE DA [<!ENTITY geheim SYSTEM "file:///etc/passwd">]>
<DA><BerichtVersie>1.0</BerichtVersie><AanvraagVolgNr>&geheim;</AanvraagVolgNr></DA>"""
LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;">]>
<DA>&lol2;</DA>"""


@pytest.mark.parametrize(
    "body, code, element",
    [
        (b"<DA><BerichtVersie>1.0</Bericht", "hdn_message_invalid", "DA"),
        (XXE, "hdn_message_invalid", "DOCTYPE"),
        (LAUGHS, "hdn_message_invalid", "DOCTYPE"),
        (FIRST.replace(b">1.0<", b">9.1<"), "hdn_version_unsupported", "BerichtVersie"),
        (FIRST.replace(b">01<", b">99<", 1), "hdn_message_invalid", "DocumentStatus"),
        (
            FIRST.replace(b"<AanvraagVolgNr>", b"<Aanvraag>", 1).replace(
                b"</AanvraagVolgNr>", b"</Aanvraag>", 1
            ),
            "hdn_message_invalid",
            "AanvraagVolgNr",
        ),
        (FIRST.replace(b">DK-002<", b">DK-001<"), "hdn_message_invalid", "DocumentKenmerk"),
    ],
    ids=["broken", "xxe", "entities", "version", "status", "no-number", "twice"],
)
def test_a_bad_da_is_refused_naming_the_element_and_changes_nothing(case, body, code, element):
    staff = case["staff"]
    refused = post_da(staff, case["id"], body)
    assert refused.status_code == 422, refused.text
    assert refused.json()["error"] == code
    assert refused.json()["details"]["element"] == element
    assert refused.json()["message"] == error_message(code, "nl")  # the staff's language
    assert staff.get(f"/dossiers/{case['id']}/requests").json()["items"] == []


def test_a_da_of_another_application_unsafe_type_or_stranger_is_refused(hdn_kluis, case):
    staff = case["staff"]
    assert post_da(staff, case["id"], FIRST).status_code == 200
    other = FIRST.replace(b"HDN-2026-004711", b"HDN-2026-999999").replace(b">01<", b">04<")
    refused = post_da(staff, case["id"], other)
    assert refused.status_code == 422 and refused.json()["error"] == "hdn_application_mismatch"
    assert refused.json()["details"]["element"] == "AanvraagVolgNr"
    assert refused.json()["message"].startswith("Dit HDN-bericht hoort bij een andere aanvraag")
    assert {r["status"] for r in by_code(staff, case["id"]).values()} != {"approved"}

    as_json = post_da(staff, case["id"], FIRST, headers={"Content-Type": "application/json"})
    assert as_json.status_code == 415 and as_json.json()["error"] == "unsupported_media_type"
    too_big = post_da(staff, case["id"], b"<DA>" + b" " * (300 * 1024) + b"</DA>")
    assert too_big.status_code == 413
    assert post_da(case["portal"], case["id"], FIRST).status_code == 403  # the client
    stranger = Office(hdn_kluis, hdn_kluis.admin()).staffed("owner")[1]
    assert post_da(stranger, case["id"], FIRST).status_code == 404


def test_a_payslip_past_its_validity_goes_back_to_the_client(hdn_kluis, case):
    staff, portal, email = case["staff"], case["portal"], case["client"]["email"]
    unknown = staff.post(
        f"/dossiers/{case['id']}/requests",
        json={"title": "Loonstrook", "deliver_by": "client", "document_type": "horoscope"},
    )
    assert unknown.status_code == 400 and "document_type" in unknown.json()["details"]
    item = staff.post(
        f"/dossiers/{case['id']}/requests",
        json={"title": "Loonstrook", "deliver_by": "client", "document_type": "payslip"},
    ).json()
    assert item["document_type"] == "payslip" and item["valid_until"] is None
    mails = len(hdn_kluis.mail.messages(email))
    delivered = portal.post(
        f"/requests/{item['id']}/uploads", files={"file": ("loon.pdf", samples.pdf())}
    )
    assert delivered.status_code == 201, delivered.text
    listed = by_code_title(staff, case["id"])["Loonstrook"]
    assert listed["valid_until"] is not None  # the due date: delivery + validity

    stale = wait_until(
        lambda: (r := by_code_title(staff, case["id"])["Loonstrook"])["status"] == "rejected" and r,
        timeout=PAYSLIP_VALID_S + 20,
    )
    assert stale["reason"].startswith("Verlopen")
    told = text_of(hdn_kluis.mail.wait_for(email, count=mails + 1)[mails])
    assert "Verlopen" in told and "Loonstrook" in told
    assert [a["id"] for a in portal.get("/actions").json()["items"]] == [item["id"]]


def by_code_title(who, dossier_id):
    items = who.get(f"/dossiers/{dossier_id}/requests").json()["items"]
    return {item["title"]: item for item in items}
