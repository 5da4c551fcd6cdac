"""docs/api.md "Signing" through HTTP: a PDF offered, signed with name and tick, sealed with
PAdES by the platform's certificate and verifiable - by the API and by pyHanko's own
validation outside the service - until one byte changes."""

import io

import pytest
from asn1crypto import pem, x509
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from services.common.errors import Forbidden
from tests import samples

from .conftest import Kluis, start_system, text_of
from .staff_app import Office
from .test_clients import _client, activate
from .test_documents import upload, wait_until


def _signing_case(kluis, name="Jan Jansen"):
    office = Office(kluis, kluis.admin())
    staff = office.staffed("owner")[1]
    client = _client(staff, office, name=name)
    portal = activate(kluis, staff, client)
    dossier = staff.post(
        f"/clients/{client['id']}/dossiers",
        json={"number": "SIGN-1", "description": "Koopovereenkomst"},
    ).json()
    document = upload(
        staff,
        dossier["id"],
        samples.pdf("Koopovereenkomst Dorpsstraat"),
        name="koop.pdf",
        title="Koopovereenkomst",
    ).json()
    return {
        "office": office,
        "staff": staff,
        "client": client,
        "portal": portal,
        "dossier": dossier,
        "document": document,
    }


@pytest.fixture
def case(kluis):
    return _signing_case(kluis)


def _root(kluis):
    with kluis.rpc() as rpc:
        data = rpc.signing.platform_root()["root_pem"].encode()
    _type, _headers, der = pem.unarmor(data)
    return x509.Certificate.load(der)


def _pyhanko_says(content, root):
    reader = PdfFileReader(io.BytesIO(content), strict=False)
    status = validate_pdf_signature(
        reader.embedded_signatures[-1], ValidationContext(trust_roots=[root])
    )
    return (
        status.intact and status.valid and status.trusted and status.coverage.name == "ENTIRE_FILE"
    )


def test_offer_sign_seal_and_verify(kluis, case):
    staff, portal, client = case["staff"], case["portal"], case["client"]
    document = case["document"]
    assert portal.get(f"/documents/{document['id']}/content").status_code == 404  # private
    offered = staff.post(
        f"/documents/{document['id']}/signing-requests", json={"signer_id": client["id"]}
    )
    assert offered.status_code == 201 and offered.json()["status"] == "pending"
    request_id = offered.json()["id"]
    assert portal.get(f"/documents/{document['id']}/content").status_code == 200  # shown now
    assert {"type": "signature", "id": request_id}.items() <= portal.get("/actions").json()[
        "items"
    ][0].items()
    mails = kluis.mail.wait_for(client["email"], count=4)
    assert "Koopovereenkomst" in text_of(mails[3])
    wrong = portal.post(
        f"/signing-requests/{request_id}/sign", json={"full_name": "Piet Jansen", "agree": True}
    )
    assert wrong.status_code == 422 and wrong.json()["error"] == "name_mismatch"
    unticked = portal.post(
        f"/signing-requests/{request_id}/sign", json={"full_name": "Jan Jansen", "agree": False}
    )
    assert unticked.status_code == 422 and unticked.json()["error"] == "agreement_required"
    assert (
        portal.post(
            f"/signing-requests/{request_id}/sign", json={"full_name": "Jan Jansen"}
        ).status_code
        == 400
    )
    signed = portal.post(
        f"/signing-requests/{request_id}/sign",
        json={"full_name": "  jan   JANSEN ", "agree": True},
        headers={"User-Agent": "Kluis-Test/1.0"},
    )
    assert signed.status_code == 200, signed.text
    assert signed.json()["status"] == "signed"
    signed_id = signed.json()["signed_document_id"]
    again = portal.post(
        f"/signing-requests/{request_id}/sign", json={"full_name": "Jan Jansen", "agree": True}
    )
    assert again.status_code == 409 and again.json()["error"] == "already_signed"
    assert portal.get("/actions").json()["items"] == []

    content = portal.get(f"/documents/{signed_id}/content").content
    root = _root(kluis)
    assert _pyhanko_says(content, root)
    verdict = (
        kluis.client().post("/signatures/verify", files={"file": ("getekend.pdf", content)}).json()
    )
    assert verdict["valid"] is True and verdict["signed_by"] == "Jan Jansen"
    assert verdict["signed_at"] and verdict["original_sha256"] == document["sha256"]
    changed = bytearray(content)
    changed[len(changed) // 3] ^= 0x01
    assert not _pyhanko_says(bytes(changed), root)
    assert (
        kluis.client()
        .post("/signatures/verify", files={"file": ("x.pdf", bytes(changed))})
        .json()["valid"]
        is False
    )

    evidence = staff.get(f"/signing-requests/{request_id}/evidence").json()
    assert evidence["document_sha256"] == document["sha256"]
    assert evidence["signed_document_sha256"] == verdict["document_sha256"]
    assert evidence["signer"]["name"] == "Jan Jansen" and evidence["auth"] == "password"
    assert evidence["user_agent"] == "Kluis-Test/1.0" and evidence["ip"] and evidence["seal"]
    assert portal.get(f"/signing-requests/{request_id}/evidence").status_code == 200
    for document_id in (document["id"], signed_id):
        refused = staff.patch(f"/documents/{document_id}", json={"public": False})
        assert refused.status_code == 409 and refused.json()["error"] == "document_signed"
    listed = portal.get("/signing-requests", params={"status": "signed"}).json()["items"]
    assert [r["id"] for r in listed] == [request_id]


def test_only_the_dossiers_client_signs_and_nobody_else_sees_it(kluis, case):
    staff, client = case["staff"], case["client"]
    other = _signing_case(kluis, name="Els Anders")
    assert staff.post(
        f"/documents/{case['document']['id']}/signing-requests",
        json={"signer_id": other["client"]["id"]},
    ).status_code in (404, 422)
    not_pdf = upload(staff, case["dossier"]["id"], samples.png(), name="foto.png").json()
    refused = staff.post(
        f"/documents/{not_pdf['id']}/signing-requests", json={"signer_id": client["id"]}
    )
    assert refused.status_code == 422 and refused.json()["error"] == "not_a_pdf"
    offered = staff.post(
        f"/documents/{case['document']['id']}/signing-requests", json={"signer_id": client["id"]}
    ).json()
    for stranger in (other["portal"], other["staff"]):
        assert stranger.post(
            f"/signing-requests/{offered['id']}/sign",
            json={"full_name": "Els Anders", "agree": True},
        ).status_code in (403, 404)
        assert stranger.get(f"/signing-requests/{offered['id']}/evidence").status_code == 404
        assert offered["id"] not in [
            r["id"] for r in stranger.get("/signing-requests").json()["items"]
        ]
    unactivated = _client(staff, case["office"], name="Nog Geen Account")
    assert staff.post(
        f"/documents/{case['document']['id']}/signing-requests",
        json={"signer_id": unactivated["id"]},
    ).status_code in (409, 422)


def test_signing_fetches_the_original_without_it_counting_as_the_clients_download(kluis, case):
    staff, portal, dossier = case["staff"], case["portal"], case["dossier"]
    original = case["document"]["id"]
    offered = staff.post(
        f"/documents/{original}/signing-requests", json={"signer_id": case["client"]["id"]}
    ).json()
    signed = portal.post(
        f"/signing-requests/{offered['id']}/sign", json={"full_name": "Jan Jansen", "agree": True}
    ).json()

    def downloaded():
        return {
            d["id"]: d["downloaded"]
            for d in portal.get(f"/dossiers/{dossier['id']}/documents").json()["items"]
        }

    assert downloaded() == {original: False, signed["signed_document_id"]: False}
    assert portal.get(f"/documents/{signed['signed_document_id']}/content").status_code == 200
    assert downloaded()[signed["signed_document_id"]] is True  # the client's own download

    def trail():  # documents relays its events in the order made: a fetch's would be first
        entries = staff.get(f"/dossiers/{dossier['id']}/audit").json()["items"]
        return [e for e in entries if e["action"] == "document_downloaded"]

    assert len(wait_until(trail)) == 1
    for person in (portal, staff):  # a fetch that records nothing is signing's alone
        with kluis.rpc(kluis.principal_of(person)) as rpc, pytest.raises(Forbidden):
            rpc.documents.open_service_download(original)


def test_a_withdrawn_request_cannot_be_signed(kluis, case):
    staff, portal = case["staff"], case["portal"]
    offered = staff.post(
        f"/documents/{case['document']['id']}/signing-requests",
        json={"signer_id": case["client"]["id"]},
    ).json()
    assert staff.post(f"/signing-requests/{offered['id']}/withdraw").json()["status"] == "withdrawn"
    late = portal.post(
        f"/signing-requests/{offered['id']}/sign", json={"full_name": "Jan Jansen", "agree": True}
    )
    assert late.status_code == 409 and late.json()["error"] == "signing_request_closed"
    assert portal.post(f"/signing-requests/{offered['id']}/withdraw").status_code == 403


@pytest.fixture(scope="module")
def hasty_kluis(tmp_path_factory, vhosts):
    """Signing requests that expire after 6 s, with their reminder 4 s before."""
    system = start_system(
        tmp_path_factory,
        vhosts,
        "hasty",
        SIGNING_REQUEST_TTL_S="6",
        SIGNING_REMINDER_BEFORE_S="4",
        SIGNING_CHECK_INTERVAL_S="1",
    )
    yield Kluis(system)
    system.stop_all()


def test_a_request_is_reminded_then_expires(hasty_kluis):
    case = _signing_case(hasty_kluis)
    staff, portal, client = case["staff"], case["portal"], case["client"]
    offered = staff.post(
        f"/documents/{case['document']['id']}/signing-requests", json={"signer_id": client["id"]}
    ).json()
    # 3 from the activation, then the request, the document shown to them, the reminder
    mails = hasty_kluis.mail.wait_for(client["email"], count=6)
    assert any(m["Subject"].startswith(("Reminder", "Herinnering")) for m in mails[3:])
    wait_until(
        lambda: staff.get("/signing-requests", params={"status": "expired"}).json()["items"],
        timeout=30,
    )
    late = portal.post(
        f"/signing-requests/{offered['id']}/sign", json={"full_name": "Jan Jansen", "agree": True}
    )
    assert late.status_code == 409 and late.json()["error"] == "signing_request_closed"
    assert portal.get("/actions").json()["items"] == []


def test_staff_lose_sight_of_signing_requests_when_the_client_stops_sharing(kluis, case):
    staff, portal, client = case["staff"], case["portal"], case["client"]
    offered = staff.post(
        f"/documents/{case['document']['id']}/signing-requests", json={"signer_id": client["id"]}
    ).json()
    assert (
        portal.post(
            f"/signing-requests/{offered['id']}/sign",
            json={"full_name": "Jan Jansen", "agree": True},
        ).status_code
        == 200
    )
    assert staff.get(f"/signing-requests/{offered['id']}/evidence").status_code == 200
    assert (
        portal.put(f"/me/consents/{case['office'].id}", json={"shared": False}).status_code == 200
    )
    assert staff.get("/signing-requests").json()["items"] == []
    assert staff.get(f"/signing-requests/{offered['id']}/evidence").status_code == 404
    assert portal.get(f"/signing-requests/{offered['id']}/evidence").status_code == 200


def test_verify_refuses_what_is_not_one_file_or_too_large(kluis):
    anyone = kluis.client()
    too_large = anyone.post(
        "/signatures/verify", files={"file": ("groot.pdf", b"%PDF-" + b"x" * (25 * 1024 * 1024))}
    )
    assert too_large.status_code == 413 and too_large.json()["error"] == "file_too_large"
    not_multipart = anyone.post("/signatures/verify", data={"file": "geen bestand"})
    assert not_multipart.status_code == 415
    assert (
        anyone.post("/signatures/verify", files={"other": ("a.pdf", b"%PDF-")}).status_code == 400
    )
    junk = anyone.post("/signatures/verify", files={"file": ("a.pdf", b"geen pdf")})
    assert junk.status_code == 200 and junk.json()["valid"] is False
