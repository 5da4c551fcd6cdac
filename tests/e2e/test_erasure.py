"""docs/api.md "Ending a relationship, retention and erasure" and docs/privacy.md
"Bewaren en wissen", through HTTP against a system of its own whose retention period is
seconds: after it, the client's documents cannot be decrypted (the bytes on disk are
untouched) and their personal fields are gone, while the office's records still work."""

import pytest

from tests import samples

from .conftest import Kluis, start_system
from .staff_app import Office
from .test_clients import _client, activate
from .test_documents import blob_files, upload, wait_until

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


def test_after_retention_the_blobs_are_shredded_and_personal_fields_gone(kluis, case):
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
