"""docs/api.md "Ending a relationship, retention and erasure" and docs/privacy.md
"Bewaren en wissen", through HTTP against a system of its own whose retention period is
seconds: after it, the client's documents cannot be decrypted (the bytes on disk are
untouched) and their personal fields are gone, while the office's records still work."""

import json

import pytest

from tests import samples

from .conftest import Kluis, link_token, start_system
from .staff_app import Office
from .test_audit_export import verify
from .test_clients import _client, activate
from .test_documents import blob_files, upload, wait_until
from .test_messages import attach, send

RETENTION_S = 8


@pytest.fixture(scope="module")
def kluis(tmp_path_factory, vhosts):
    system = start_system(
        tmp_path_factory,
        vhosts,
        "erasure",
        RETENTION_S=str(RETENTION_S),
        ERASURE_INTERVAL_S="1",
        IDENTIFY_MISSES_PER_HOUR="1000",
    )
    yield Kluis(system)
    system.stop_all()


@pytest.fixture
def case(kluis):
    office = Office(kluis, kluis.admin())
    owner = office.staffed("owner")[1]
    colleague = office.staffed("staff", approver_client=owner)[1]
    client = _client(owner, office, name="Eva Vergeten")
    portal = activate(kluis, owner, client)
    dossier = owner.post(
        f"/clients/{client['id']}/dossiers",
        json={"number": "W-1", "description": "Hypotheek Dorpsstraat 1"},
    ).json()
    passport = upload(owner, dossier["id"], samples.pdf("Paspoort Eva"), name="paspoort.pdf")
    assert passport.status_code == 201, passport.text
    return {
        "owner": owner,
        "colleague": colleague,
        "client": client,
        "portal": portal,
        "dossier": dossier,
        "document": passport.json(),
    }


def test_the_client_asks_for_erasure_and_the_office_sees_what_the_law_keeps(case):
    portal, colleague, client = case["portal"], case["colleague"], case["client"]
    before = colleague.get(f"/clients/{client['id']}/retention").json()
    assert before["erasure_requested_at"] is None and before["ended_at"] is None
    assert [i["requested_at"] for i in portal.get("/me/erasure").json()["items"]] == [None]
    asked = portal.post("/me/erasure")
    assert asked.status_code == 202, asked.text
    (item,) = asked.json()["items"]
    assert item["requested_at"] and "Wwft artikel 33" in asked.json()["legal_ground"]
    assert portal.post("/me/erasure").json()["items"] == [item]  # asking again: the same
    seen = colleague.get(f"/clients/{client['id']}/retention").json()
    assert seen["erasure_requested_at"] == item["requested_at"] and not seen["erased"]
    assert "vijf jaar" in seen["legal_ground"]
    assert colleague.post("/me/erasure").status_code == 403


def test_after_retention_the_blobs_are_shredded_and_personal_fields_gone(kluis, case, tmp_path):
    owner, colleague, client = case["owner"], case["colleague"], case["client"]
    document, dossier = case["document"], case["dossier"]
    assert colleague.get(f"/clients/{client['id']}").status_code == 200
    assert owner.get(f"/clients/{client['id']}/retention").json()["ended_at"] is None
    assert colleague.post(f"/clients/{client['id']}/end-relationship").status_code == 403
    ended = owner.post(f"/clients/{client['id']}/end-relationship")
    assert ended.status_code == 200, ended.text
    assert ended.json()["erased"] is False and "Wwft" in ended.json()["legal_ground"]
    again = owner.post(f"/clients/{client['id']}/end-relationship").json()
    assert again["erase_at"] == ended.json()["erase_at"]
    # The portal is gone at once; the office's owner alone keeps the records meanwhile.
    assert case["portal"].get("/dossiers").status_code == 401
    assert colleague.get(f"/clients/{client['id']}").status_code == 404
    assert colleague.get(f"/documents/{document['id']}/content").status_code == 404
    assert owner.get(f"/documents/{document['id']}/content").status_code == 200
    stored = {path: path.read_bytes() for path in blob_files(kluis)}

    erased = wait_until(
        lambda: (r := owner.get(f"/clients/{client['id']}/retention").json())["erased"] and r,
        timeout=RETENTION_S + 20,
    )
    assert erased["erased_at"] >= erased["erase_at"]
    gone = owner.get(f"/documents/{document['id']}/content")
    assert gone.status_code == 410 and gone.json()["error"] == "blob_shredded"
    assert {path: path.read_bytes() for path in blob_files(kluis)} == stored
    record = owner.get(f"/clients/{client['id']}").json()
    assert record["name"] == "(gewist)" and client["email"] not in str(record)
    # The office's non-personal records still work.
    assert owner.get(f"/dossiers/{dossier['id']}").json()["number"] == "W-1"
    listed = owner.get(f"/dossiers/{dossier['id']}/documents").json()["items"]
    assert [d["id"] for d in listed] == [document["id"]]
    trail = owner.get(f"/dossiers/{dossier['id']}/audit").json()["items"]
    assert "Eva Vergeten" not in str(trail) and client["email"] not in str(trail)
    # The audit chain still verifies after the erasure, offline, with only the public key.
    export = owner.get(f"/dossiers/{dossier['id']}/audit/export").json()
    assert "Eva Vergeten" not in json.dumps(export)
    pem = kluis.client().get("/audit/public-key").text
    assert verify(tmp_path, export, pem) == (0, "OK: the trail is whole\n")


TEMPLATE = {
    "title": "Intake",
    "pages": [
        {
            "title": "Werk",
            "questions": [
                {"key": "employer", "label": "Werkgever", "type": "text", "required": True}
            ],
        }
    ],
}


def _what_the_client_left(case):
    """A request delivered (kept), a message with an attachment and a completed
    questionnaire (its PDF) by the client: -> the ids."""
    owner, portal, dossier_id = case["owner"], case["portal"], case["dossier"]["id"]
    item = owner.post(
        f"/dossiers/{dossier_id}/requests", json={"title": "Kopie paspoort", "deliver_by": "client"}
    ).json()
    delivery = portal.post(
        f"/requests/{item['id']}/uploads", files={"file": ("id.png", samples.png())}
    )
    assert delivery.status_code == 201, delivery.text
    attachment = attach(portal, dossier_id, samples.pdf("Loonstrook Eva"), name="loon.pdf")
    message = send(
        portal,
        dossier_id,
        subject="Mijn loon",
        body="Zie bijlage, Eva",
        attachment_ids=[attachment],
    )
    assert message.status_code == 201, message.text
    template = owner.post("/questionnaire-templates", json=TEMPLATE).json()
    questionnaire = owner.post(
        f"/dossiers/{dossier_id}/questionnaires", json={"template_id": template["id"]}
    ).json()
    page = {"answers": {"employer": "Bakkerij Vergeten"}}
    assert portal.put(f"/questionnaires/{questionnaire['id']}/pages/1", json=page).ok
    pdf = portal.post(f"/questionnaires/{questionnaire['id']}/complete").json()["document_id"]
    return {
        "delivery": delivery.json()["id"],
        "attachment": attachment,
        "message": message.json()["id"],
        "questionnaire": questionnaire["id"],
        "pdf": pdf,
    }


def _login_emails(kluis):
    items = kluis.admin().get("/admin/login-attempts", params={"limit": 100}).json()["items"]
    return {item["email"] for item in items}


def test_what_the_client_asked_to_erase_goes_at_once_the_rest_after_retention(kluis, case):
    owner, portal, client = case["owner"], case["portal"], case["client"]
    dossier_id, passport = case["dossier"]["id"], case["document"]["id"]
    left = _what_the_client_left(case)
    assert portal.post("/me/erasure").status_code == 202
    mine = portal.get("/me/audit").json()["items"]
    assert "erasure_requested" in [e["action"] for e in mine]
    miss = {"email": client["email"], "password": "niet-het-wachtwoord"}
    assert kluis.client().post("/auth/login", json=miss).status_code == 401
    assert client["email"] in _login_emails(kluis)

    assert owner.post(f"/clients/{client['id']}/end-relationship").status_code == 200
    # At once: what no law keeps is gone; the identification and due diligence stay,
    # for the owner.
    listed = owner.get(f"/dossiers/{dossier_id}/documents").json()["items"]
    assert {d["id"] for d in listed} == {passport, left["delivery"]}
    for gone in (left["attachment"], left["pdf"]):
        assert owner.get(f"/documents/{gone}/content").status_code == 404
    assert owner.get(f"/documents/{left['delivery']}/content").status_code == 200
    (message,) = owner.get(f"/dossiers/{dossier_id}/messages").json()["items"]
    assert "Eva" not in str(message) and message["attachments"] == []
    questionnaire = owner.get(f"/questionnaires/{left['questionnaire']}").json()
    assert questionnaire["answers"] == {} and "Bakkerij" not in str(questionnaire)
    trail = owner.get(f"/dossiers/{dossier_id}/audit").json()["items"]
    erased = {e["object"]["id"] for e in trail if e["action"] == "document_erased"}
    assert erased == {left["attachment"], left["pdf"]}
    assert "Eva" not in str(trail) and "Bakkerij" not in str(trail)
    # Asking again carries out nothing twice.
    assert owner.post(f"/clients/{client['id']}/end-relationship").status_code == 200
    again = owner.get(f"/dossiers/{dossier_id}/audit").json()["items"]
    assert len(again) == len(trail)

    wait_until(
        lambda: owner.get(f"/clients/{client['id']}/retention").json()["erased"],
        timeout=RETENTION_S + 20,
    )
    for kept in (passport, left["delivery"]):
        assert owner.get(f"/documents/{kept}/content").status_code == 410
    # identity holds no personal data of the account, which had no other office.
    assert client["email"] not in _login_emails(kluis)
    assert portal.get("/me").status_code == 401


def test_an_account_another_office_uses_stays_and_its_trail_shows_the_end(kluis, case):
    owner, portal, client = case["owner"], case["portal"], case["client"]
    other = Office(kluis, kluis.admin())
    other_owner = other.staffed("owner")[1]
    there = _client(other_owner, other, email=client["email"], name="Eva Vergeten")
    assert other_owner.post(f"/clients/{there['id']}/invitation").status_code == 202
    invitation = kluis.mail.wait_for(client["email"], count=4)[3]  # the 4th: this office's
    answer = kluis.client().post(
        "/activation", json={"token": link_token(invitation), "email": client["email"]}
    )
    assert answer.status_code == 202
    assert portal.post(f"/me/link-requests/{there['id']}/accept").status_code == 200
    assert portal.post("/me/erasure").status_code == 202

    assert owner.post(f"/clients/{client['id']}/end-relationship").status_code == 200
    trail = [e["action"] for e in portal.get("/me/audit").json()["items"]]
    assert {"erasure_requested", "relationship_ended"} <= set(trail)
    left = portal.get("/me/erasure").json()["items"]  # the ended office is no longer theirs
    assert [i["office_id"] for i in left] == [other.id]
    wait_until(
        lambda: owner.get(f"/clients/{client['id']}/retention").json()["erased"],
        timeout=RETENTION_S + 20,
    )
    # The other office still has the client: identity keeps the account as it was.
    me = portal.get("/me")
    assert me.status_code == 200 and me.json()["email"] == client["email"]
    assert other_owner.get(f"/clients/{there['id']}").json()["name"] == "Eva Vergeten"
