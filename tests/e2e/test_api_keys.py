"""docs/api.md "Office systems: API keys" and docs/integrations.md through HTTP against the
real services: an owner creates a key, the office's system lists clients, uploads,
creates a request and offers a PDF for signing with it, within its scopes and its office
only; a revoked or expired key is refused at once; the key never reaches a log, and the
audit trail names it."""

import time
from datetime import UTC, datetime, timedelta

import pytest

from tests import samples

from .staff_app import Office
from .test_clients import _client, activate
from .test_documents import upload, wait_until
from .test_hdn import FIRST as DA
from .test_hdn import XML

ALL_SCOPES = [
    "clients:read",
    "dossiers:read",
    "documents:write",
    "requests:write",
    "webhooks:manage",
]


def create_key(owner, office, scopes=ALL_SCOPES, **fields):
    response = owner.post(
        f"/offices/{office.id}/api-keys", json={"name": "Elements", "scopes": scopes, **fields}
    )
    assert response.status_code == 201, response.text
    return response.json()


def dossier_of(owner, client, number="API-1"):
    response = owner.post(
        f"/clients/{client['id']}/dossiers", json={"number": number, "description": "Hypotheek"}
    )
    assert response.status_code == 201, response.text
    return response.json()


@pytest.fixture
def case(kluis):
    office = Office(kluis, kluis.admin())
    owner = office.staffed("owner")[1]
    client = _client(owner, office, name="Jan Jansen")
    return {
        "office": office,
        "owner": owner,
        "client": client,
        "portal": activate(kluis, owner, client),
        "dossier": dossier_of(owner, client),
    }


def test_an_office_system_works_with_its_key(kluis, case):
    office, owner, client, dossier = case["office"], case["owner"], case["client"], case["dossier"]
    created = create_key(owner, office)
    key = created["key"]
    assert key.startswith("klk_") and created["scopes"] == ALL_SCOPES
    expires = datetime.fromisoformat(created["expires_at"]) - datetime.now(UTC)
    assert timedelta(days=364) < expires <= timedelta(days=365)
    system = kluis.client(key)

    assert [c["id"] for c in system.get("/clients").json()["items"]] == [client["id"]]
    assert dossier["id"] in [d["id"] for d in system.get("/dossiers").json()["items"]]
    shown = upload(system, dossier["id"], samples.pdf("Offerte"), name="offerte.pdf", public=True)
    assert shown.status_code == 201, shown.text
    assert shown.json()["public"] is True
    asked = system.post(
        f"/dossiers/{dossier['id']}/requests", json={"title": "Loonstrook", "deliver_by": "client"}
    )
    assert asked.status_code == 201, asked.text
    assert "Loonstrook" in [
        r["title"]
        for r in case["portal"].get(f"/dossiers/{dossier['id']}/requests").json()["items"]
    ]

    imported = system.post(f"/dossiers/{dossier['id']}/hdn/da", data=DA, headers=XML)
    assert imported.status_code == 200, imported.text
    assert imported.json()["created"] > 0

    contract = upload(system, dossier["id"], samples.pdf("Koopovereenkomst"), name="koop.pdf")
    offered = system.post(
        f"/documents/{contract.json()['id']}/signing-requests", json={"signer_id": client["id"]}
    )
    assert offered.status_code == 201, offered.text
    signed = case["portal"].post(
        f"/signing-requests/{offered.json()['id']}/sign",
        json={"full_name": "Jan Jansen", "agree": True},
    )
    assert signed.status_code == 200, signed.text
    state = system.get(f"/signing-requests/{offered.json()['id']}").json()
    assert state["status"] == "signed"
    content = system.get(f"/documents/{signed.json()['signed_document_id']}/content")
    assert content.status_code == 200 and content.content.startswith(b"%PDF")

    listed = owner.get(f"/offices/{office.id}/api-keys").json()["items"]
    assert [k["id"] for k in listed] == [created["id"]] and "key" not in listed[0]
    assert listed[0]["last_used_at"] and listed[0]["revoked_at"] is None

    by_the_key = {shown.json()["id"], contract.json()["id"]}

    def uploaded_by_the_key():
        entries = owner.get(f"/dossiers/{dossier['id']}/audit").json()["items"]
        found = [e for e in entries if e["action"] == "document_uploaded"]
        found = [e for e in found if e["object"]["id"] in by_the_key]
        return found if len(found) == 2 else None

    for entry in wait_until(uploaded_by_the_key):
        assert entry["actor"] == {"id": created["id"], "kind": "api_key"}
    assert key not in kluis.logs()
    assert key.removeprefix("klk_") not in kluis.logs()


def test_a_key_is_held_to_its_scopes_and_its_office(kluis, case):
    office, owner, dossier = case["office"], case["owner"], case["dossier"]
    reader = kluis.client(create_key(owner, office, scopes=["clients:read"])["key"])
    assert reader.get("/clients").status_code == 200
    for refused in (
        upload(reader, dossier["id"], samples.pdf()),
        reader.get("/dossiers"),
        reader.post(
            f"/dossiers/{dossier['id']}/requests", json={"title": "X", "deliver_by": "client"}
        ),
        reader.get("/me"),  # no route outside the table, whatever the scopes
        reader.get(f"/offices/{office.id}/api-keys"),
        reader.post(f"/dossiers/{dossier['id']}/hdn/da", data=DA, headers=XML),
        reader.post("/auth/logout"),
    ):
        assert refused.status_code == 403, refused.text
        assert refused.json()["error"] == "scope_missing"

    other = Office(kluis, kluis.admin())
    other_owner = other.staffed("owner")[1]
    theirs = dossier_of(other_owner, _client(other_owner, other), number="API-2")
    writer = kluis.client(create_key(owner, office)["key"])
    assert writer.get(f"/dossiers/{theirs['id']}").status_code == 404
    assert upload(writer, theirs["id"], samples.pdf()).status_code == 404
    assert other_owner.get(f"/offices/{office.id}/api-keys").status_code == 404


def test_only_known_scopes_and_a_bounded_expiry(case):
    office, owner = case["office"], case["owner"]
    unknown = owner.post(
        f"/offices/{office.id}/api-keys",
        json={"name": "X", "scopes": ["clients:read", "everything"]},
        headers={"Accept-Language": "en"},
    )
    assert unknown.status_code == 422
    assert unknown.json()["error"] == "unknown_scope"
    assert unknown.json()["details"] == {"scopes": ["everything"]}
    too_far = (datetime.now(UTC) + timedelta(days=800)).isoformat()
    late = owner.post(
        f"/offices/{office.id}/api-keys",
        json={"name": "X", "scopes": ["clients:read"], "expires_at": too_far},
    )
    assert late.status_code == 422 and late.json()["error"] == "expiry_out_of_range"
    assert owner.get(f"/offices/{office.id}/api-keys").json()["items"] == []


def test_a_revoked_key_is_refused_at_once(kluis, case):
    office, owner = case["office"], case["owner"]
    created = create_key(owner, office)
    system = kluis.client(created["key"])
    assert system.get("/clients").status_code == 200  # now in the gateway's cache
    revoked = owner.delete(f"/offices/{office.id}/api-keys/{created['id']}")
    assert revoked.status_code == 204
    refused = system.get("/clients")
    assert refused.status_code == 401 and refused.json()["error"] == "unauthenticated"
    listed = owner.get(f"/offices/{office.id}/api-keys").json()["items"]
    assert listed[0]["revoked_at"]


def test_an_expired_key_is_refused(kluis, case):
    office, owner = case["office"], case["owner"]
    ends = datetime.now(UTC) + timedelta(seconds=3)
    system = kluis.client(create_key(owner, office, expires_at=ends.isoformat())["key"])
    assert system.get("/clients").status_code == 200
    while datetime.now(UTC) <= ends:
        time.sleep(0.2)
    assert system.get("/clients").status_code == 401


def test_a_key_with_the_scope_manages_the_offices_webhooks(kluis, case):
    office, owner = case["office"], case["owner"]
    manager = kluis.client(create_key(owner, office, scopes=["webhooks:manage"])["key"])
    created = manager.post(
        f"/offices/{office.id}/webhooks",
        json={"url": "https://erp.kluis.invalid/hooks", "events": ["document_uploaded"]},
    )
    assert created.status_code == 201, created.text
    listed = owner.get(f"/offices/{office.id}/webhooks").json()["items"]
    assert [w["id"] for w in listed] == [created.json()["id"]]
    reader = kluis.client(create_key(owner, office, scopes=["clients:read"])["key"])
    refused = reader.get(f"/offices/{office.id}/webhooks")
    assert refused.status_code == 403 and refused.json()["error"] == "scope_missing"
    other = Office(kluis, kluis.admin())
    assert manager.get(f"/offices/{other.id}/webhooks").status_code == 404
    gone = manager.delete(f"/offices/{office.id}/webhooks/{created.json()['id']}")
    assert gone.status_code == 204
