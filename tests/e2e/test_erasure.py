"""docs/api.md "Ending a relationship, retention and erasure" and docs/privacy.md
"Bewaren en wissen", through HTTP against a system of its own whose retention period is
seconds: after it, the client's documents cannot be decrypted (the bytes on disk are
untouched) and their personal fields are gone, while the office's records still work."""

import json
import secrets
import sqlite3

import pytest
import sqlalchemy as sa
from nameko.standalone.rpc import ClusterRpcProxy

from services.common.context import Principal
from services.common.errors import Forbidden
from services.common.field_sealing import (
    FieldDamaged,
    FieldKeyring,
    FieldKeyShredded,
    is_sealed,
    open_sealed,
    seal,
)
from tests import samples

from .conftest import CLIENT_PASSWORD, Kluis, link_token, start_system, unique_email
from .staff_app import Office
from .test_audit_export import verify
from .test_clients import _client, activate
from .test_documents import blob_files, upload, wait_until
from .test_messages import attach, send
from .test_paging import pages

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
        "office": office,
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


def _sign_ins_under(kluis, address):
    """How many sign-in records identity keeps under `address` (it keeps only the
    address's blind index: GET /admin/login-attempts names no address without an
    account, so the stored rows are counted)."""
    blind = _keyring(kluis).blind_email(address)
    with sqlite3.connect(kluis.system.var / "identity.db") as db:
        query = "SELECT count(*) FROM login_attempts WHERE email_index = ?"
        return db.execute(query, (blind,)).fetchone()[0]


def test_what_the_client_asked_to_erase_goes_at_once_the_rest_after_retention(kluis, case):
    owner, portal, client = case["owner"], case["portal"], case["client"]
    dossier_id, passport = case["dossier"]["id"], case["document"]["id"]
    left = _what_the_client_left(case)
    assert portal.post("/me/erasure").status_code == 202
    mine = portal.get("/me/audit").json()["items"]
    assert "erasure_requested" in [e["action"] for e in mine]
    miss = {"email": client["email"], "password": "niet-het-wachtwoord"}
    assert kluis.client().post("/auth/login", json=miss).status_code == 401
    assert _sign_ins_under(kluis, client["email"]) >= 1  # the miss, the activation's

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
    assert _sign_ins_under(kluis, client["email"]) == 0
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
    assert portal.get(f"/dossiers/{case['dossier']['id']}").status_code == 200  # viewed
    assert portal.post("/me/erasure").status_code == 202

    assert owner.post(f"/clients/{client['id']}/end-relationship").status_code == 200
    listed = portal.get("/me/audit", params={"limit": 200}).json()["items"]
    assert {"erasure_requested", "relationship_ended", "dossier_viewed"} <= {
        e["action"] for e in listed
    }
    # The signed file of their trail holds all of it in full, though the ended record
    # and its dossier are no longer theirs: their streams are found by the entries that
    # name the account or that it made.
    signed = portal.get("/me/audit/export").json()
    full = {
        (c["action"], c["object_id"], c["actor_id"])
        for s in signed["streams"]
        for e in s["entries"]
        if (c := e.get("content"))
    }
    assert {(e["action"], e["object"]["id"], e["actor"]["id"]) for e in listed} <= full
    names = {s["stream"] for s in signed["streams"]}
    assert {f"client:{client['id']}", f"dossier:{case['dossier']['id']}"} <= names
    assert "dossier" not in names  # never the stream of entries about nobody
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
    # notify's delivery log still writes to the client, who lives on elsewhere.
    assert client["email"] in _recipients(kluis.admin())


def _recipients(admin):
    """Every recipient in notify's delivery log (`admin`: the admin's client), all pages."""
    return {i["recipient"] for page in pages(admin, "/admin/notifications", 100) for i in page}


def test_after_retention_the_delivery_log_no_longer_names_the_client(kluis):
    admin = kluis.admin()  # signed in once: the waits below ask the log again and again
    office = Office(kluis, admin)
    owner = office.staffed("owner")[1]
    mobile = f"+3162{secrets.randbelow(10**7):07d}"
    client = _client(owner, office, name="Eva Vergeten", mobile=mobile)
    activate(kluis, owner, client)  # e-mails to the address, the code by SMS
    neighbour = _client(owner, office, name="Piet Blijft")
    assert owner.post(f"/clients/{neighbour['id']}/invitation").status_code == 202
    wait_until(lambda: {client["email"], mobile, neighbour["email"]} <= _recipients(admin))

    assert owner.post(f"/clients/{client['id']}/end-relationship").status_code == 200
    wait_until(
        lambda: owner.get(f"/clients/{client['id']}/retention").json()["erased"],
        timeout=RETENTION_S + 20,
    )
    # notify forgets them through its command queue, a moment after the erasure.
    wait_until(lambda: not {client["email"], mobile} & _recipients(admin))
    recipients = _recipients(admin)
    assert neighbour["email"] in recipients and "(gewist)" in recipients


def test_the_office_records_a_request_after_the_end_and_what_no_law_keeps_goes(kluis, case):
    owner, colleague, client = case["owner"], case["colleague"], case["client"]
    dossier_id, passport = case["dossier"]["id"], case["document"]["id"]
    left = _what_the_client_left(case)
    path = f"/clients/{client['id']}/erasure-request"
    assert owner.post(f"/clients/{client['id']}/end-relationship").status_code == 200
    # The client's letter comes after the end: their portal account is gone by now.
    (message,) = owner.get(f"/dossiers/{dossier_id}/messages").json()["items"]
    assert "Eva" in str(message)
    assert colleague.post(path).status_code == 404  # after the end: the owner alone
    assert owner.post("/clients/no-such-client/erasure-request").status_code == 404

    recorded = owner.post(path)
    assert recorded.status_code == 200, recorded.text
    body = recorded.json()
    assert body["erasure_requested_at"] and body["requested_erased_at"] and not body["erased"]
    again = owner.post(path).json()
    assert again["erasure_requested_at"] == body["erasure_requested_at"]
    assert again["requested_erased_at"] == body["requested_erased_at"]
    # At once, as if the client had asked before the end.
    listed = owner.get(f"/dossiers/{dossier_id}/documents").json()["items"]
    assert {d["id"] for d in listed} == {passport, left["delivery"]}
    (message,) = owner.get(f"/dossiers/{dossier_id}/messages").json()["items"]
    assert "Eva" not in str(message) and message["attachments"] == []
    questionnaire = owner.get(f"/questionnaires/{left['questionnaire']}").json()
    assert questionnaire["answers"] == {}

    wait_until(
        lambda: owner.get(f"/clients/{client['id']}/retention").json()["erased"],
        timeout=RETENTION_S + 20,
    )
    late = owner.post(path)
    assert late.status_code == 410 and late.json()["error"] == "client_erased"
    assert "gewist" in late.json()["message"]


# -- the personal fields, sealed under a key per client record (docs/privacy.md) -----------
def _dossier_db(kluis):
    db = sqlite3.connect(kluis.system.var / "dossier.db")
    db.row_factory = sqlite3.Row
    return db


def _keyring(kluis):
    """The system's field keyring, from the key files its services made on first use
    (FIELD_KEYS unset)."""
    return FieldKeyring.from_settings("", "", "", kluis.system.var)


def _sealed_copies(kluis, client_id):
    """-> {context: sealed value} of the client's record and messages, as a backup holds
    them; and the record's key row."""
    with _dossier_db(kluis) as db:
        record = db.execute("SELECT * FROM clients WHERE id = ?", (client_id,)).fetchone()
        copies = {
            f"clients.{column}:{client_id}": record[column]
            for column in ("name", "email", "mobile", "invitation_email")
            if record[column]
        }
        for message in db.execute("SELECT * FROM messages WHERE client_id = ?", (client_id,)):
            for column in ("subject", "body", "attachments"):
                copies[f"messages.{column}:{message['id']}"] = message[column]
        key = db.execute(
            "SELECT * FROM client_field_keys WHERE owner_id = ?", (client_id,)
        ).fetchone()
    return copies, dict(zip(key.keys(), key, strict=True))


def test_the_database_holds_no_personal_field_in_plain_text(kluis):
    office = Office(kluis, kluis.admin())
    owner = office.staffed("owner")[1]
    client = _client(
        owner,
        office,
        name="Zoë Verzegeld",
        email="zoe.verzegeld@voorbeeld.nl",
        mobile="+31687654321",
    )
    dossier = owner.post(
        f"/clients/{client['id']}/dossiers", json={"number": "Z-1", "description": "Hypotheek"}
    ).json()
    assert send(owner, dossier["id"], subject="Taxatie Zoë", body="Geheime taxatiewaarde").ok
    product = owner.post(
        f"/clients/{client['id']}/products",
        json={"kind": "mortgage", "provider": "Bank", "number": "POLIS-778899"},
    )
    assert product.status_code == 201, product.text
    found = owner.get("/clients", params={"q": "verzegeld"}).json()["items"]
    assert [c["id"] for c in found] == [client["id"]]  # searched after opening

    needles = ("Verzegeld", "zoe.verzegeld", "87654321", "Geheime", "Taxatie Zo", "POLIS-778899")
    with _dossier_db(kluis) as db:
        tables = [row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        dump = "\n".join(
            str(tuple(row)) for t in tables for row in db.execute(f'SELECT * FROM "{t}"')
        )
        record = db.execute(
            "SELECT name, email, mobile FROM clients WHERE id = ?", (client["id"],)
        ).fetchone()
    assert [needle for needle in needles if needle in dump] == []
    assert all(is_sealed(value) for value in record)
    # the code reads them as they were given
    shown = owner.get(f"/clients/{client['id']}").json()
    assert (shown["name"], shown["email"]) == ("Zoë Verzegeld", "zoe.verzegeld@voorbeeld.nl")


def test_erasure_destroys_the_field_keys_and_a_copy_of_the_fields_never_opens(
    kluis, case, tmp_path
):
    owner, client, dossier = case["owner"], case["client"], case["dossier"]
    office_id = client["office_id"]
    assert send(owner, dossier["id"], subject="Uw loonstrook", body="Graag uw loonstrook, Eva").ok
    neighbour = owner.post(
        f"/offices/{office_id}/clients",
        json={"type": "person", "name": "Nina Naast", "email": "nina.naast@voorbeeld.nl"},
    ).json()
    copies, key = _sealed_copies(kluis, client["id"])
    ring = _keyring(kluis)
    opened = ring.open_key(key["kek_id"], key["id"], key["wrapped"])
    assert open_sealed(
        opened, copies[f"clients.name:{client['id']}"], f"clients.name:{client['id']}"
    ) == ("Eva Vergeten")  # the copies open while the key lives

    assert owner.post(f"/clients/{client['id']}/end-relationship").status_code == 200
    wait_until(
        lambda: owner.get(f"/clients/{client['id']}/retention").json()["erased"],
        timeout=RETENTION_S + 20,
    )
    _copies, after = _sealed_copies(kluis, client["id"])
    assert after["wrapped"] is None and after["shredded_at"]
    with pytest.raises(FieldKeyShredded):
        ring.open_key(after["kek_id"], after["id"], after["wrapped"])
    # nor does any other key open them (a copy is bound to its key, row and column)
    _n, other = _sealed_copies(kluis, neighbour["id"])
    other_key = ring.open_key(other["kek_id"], other["id"], other["wrapped"])
    for context, value in copies.items():
        with pytest.raises(FieldDamaged):
            open_sealed(other_key, value, context)
    record = owner.get(f"/clients/{client['id']}").json()
    assert record["name"] == "(gewist)" and client["email"] not in str(record)
    (message,) = owner.get(f"/dossiers/{dossier['id']}/messages").json()["items"]
    assert "Eva" not in str(message) and "loonstrook" not in str(message)
    # nothing personal is written for them again: a clear answer
    late = send(owner, dossier["id"], subject="Nog iets", body="Nog een vraag")
    assert late.status_code == 410 and late.json()["error"] == "client_erased", late.text
    # documents too: a request's description is sealed under the client's (destroyed) key
    asked = owner.post(
        f"/dossiers/{dossier['id']}/requests",
        json={"title": "Loonstrook", "description": "De laatste, Eva", "deliver_by": "client"},
    )
    assert asked.status_code == 410 and asked.json()["error"] == "client_erased", asked.text
    # the office's records, the other client and the audit chain are untouched
    assert owner.get(f"/dossiers/{dossier['id']}").json()["number"] == "W-1"
    assert owner.get(f"/clients/{neighbour['id']}").json()["name"] == "Nina Naast"
    export = owner.get(f"/dossiers/{dossier['id']}/audit/export").json()
    pem = kluis.client().get("/audit/public-key").text
    assert verify(tmp_path, export, pem) == (0, "OK: the trail is whole\n")


def test_an_address_another_record_was_invited_at_keeps_its_sign_in_records(kluis, case):
    """identity lets go only of the addresses no other record uses: that of another
    office's record, and that its invitation went to (not only the record's own)."""
    owner, client = case["owner"], case["client"]
    other = Office(kluis, kluis.admin())
    there = _client(other.staffed("owner")[1], other, name="Eva Vergeten")  # another address
    miss = {"email": client["email"], "password": "niet-het-wachtwoord"}
    assert kluis.client().post("/auth/login", json=miss).status_code == 401
    kept = _sign_ins_under(kluis, client["email"])
    assert kept >= 1  # the miss, the activation's
    ring = _keyring(kluis)
    with _dossier_db(kluis) as db:  # its invitation went to Eva's address
        key = db.execute(
            "SELECT * FROM client_field_keys WHERE owner_id = ?", (there["id"],)
        ).fetchone()
        sealed = seal(
            ring.open_key(key["kek_id"], key["id"], key["wrapped"]),
            client["email"],
            f"clients.invitation_email:{there['id']}",
        )
        db.execute(
            "UPDATE clients SET invitation_email = ?, invitation_email_index = ? WHERE id = ?",
            (sealed, ring.blind_email(client["email"]), there["id"]),
        )
    assert owner.post(f"/clients/{client['id']}/end-relationship").status_code == 200
    wait_until(
        lambda: owner.get(f"/clients/{client['id']}/retention").json()["erased"],
        timeout=RETENTION_S + 20,
    )
    assert _sign_ins_under(kluis, client["email"]) == kept


def _signing_rows(kluis, client_id):
    """-> (the client's signing requests, their field key rows), as stored."""
    with sqlite3.connect(kluis.system.var / "signing.db") as db:
        db.row_factory = sqlite3.Row
        rows = db.execute("SELECT * FROM signing_requests WHERE signer_client_id = ?", [client_id])
        keys = db.execute("SELECT * FROM signer_field_keys WHERE owner_id = ?", [client_id])
        return [dict(r) for r in rows], [dict(r) for r in keys]


def test_after_retention_signing_keeps_no_personal_data_of_the_signer(kluis, case):
    """signing's part of the end of retention (docs/privacy.md): the signer's name,
    e-mail address and evidence were only ever stored sealed; after it their key is
    destroyed and they are blank, a pending request expired, and the facts about the
    signed document stay, for the office and for the verify endpoint."""
    owner, portal, client = case["owner"], case["portal"], case["client"]
    document = case["document"]
    offered = owner.post(
        f"/documents/{document['id']}/signing-requests", json={"signer_id": client["id"]}
    ).json()
    signed = portal.post(
        f"/signing-requests/{offered['id']}/sign",
        json={"full_name": "Eva Vergeten", "agree": True},
        headers={"User-Agent": "Eva-Browser/1.0"},
    )
    assert signed.status_code == 200, signed.text
    content = portal.get(f"/documents/{signed.json()['signed_document_id']}/content").content
    second = upload(owner, case["dossier"]["id"], samples.pdf("Akte Eva"), name="akte.pdf").json()
    pending = owner.post(
        f"/documents/{second['id']}/signing-requests", json={"signer_id": client["id"]}
    ).json()
    rows, _keys = _signing_rows(kluis, client["id"])
    assert len(rows) == 2
    for personal in ("Eva Vergeten", client["email"], "Eva-Browser"):
        assert personal not in str(rows), personal
    before = owner.get(f"/signing-requests/{offered['id']}/evidence").json()
    assert before["signer"]["name"] == "Eva Vergeten" and before["user_agent"] == "Eva-Browser/1.0"

    assert owner.post(f"/clients/{client['id']}/end-relationship").status_code == 200
    wait_until(
        lambda: owner.get(f"/clients/{client['id']}/retention").json()["erased"],
        timeout=RETENTION_S + 20,
    )
    rows, keys = _signing_rows(kluis, client["id"])
    assert [k["wrapped"] for k in keys] == [None]
    blanked = {
        (r["title"], r["signer_name"], r["signer_email"], r["evidence"], r["seal"]) for r in rows
    }
    assert blanked == {("", "", "", None, None)}
    request = owner.get(f"/signing-requests/{offered['id']}").json()
    assert request["status"] == "signed" and request["signer"]["name"] == ""
    evidence = owner.get(f"/signing-requests/{offered['id']}/evidence").json()
    assert evidence["signer"] is None and evidence["ip"] is None and evidence["seal"] is None
    assert evidence["document_sha256"] == before["document_sha256"]
    assert evidence["signed_document_sha256"] == before["signed_document_sha256"]
    assert owner.get(f"/signing-requests/{pending['id']}").json()["status"] == "expired"
    verdict = kluis.client().post("/signatures/verify", files={"file": ("x.pdf", content)}).json()
    assert verdict["valid"] is True and verdict["signed_by"] is None
    assert verdict["original_sha256"] == document["sha256"]


def test_only_dossier_erases_a_signer(kluis):
    """signing.erase_signer answers dossier's own signed principal, and no one else."""

    def erase_as(signed):
        with ClusterRpcProxy(
            {"AMQP_URI": kluis.system.env["AMQP_URI"]},
            timeout=30,
            context_data={"principal": signed},
        ) as rpc:
            return rpc.signing.erase_signer("no-such-client")

    for signed in (
        kluis.sign(Principal("documents", "service"), issuer="documents").signed,
        kluis.sign(kluis.admin_principal()).signed,
    ):
        with pytest.raises(Forbidden):
            erase_as(signed)
    dossier = kluis.sign(Principal("dossier", "service"), issuer="dossier").signed
    assert erase_as(dossier) == {"key_destroyed": False, "requests": 0}


def _identity_rows(kluis, account_id):
    """The account's row and its key row as stored in identity's database."""
    engine = sa.create_engine(f"sqlite:///{kluis.system.var / 'identity.db'}")
    try:
        with engine.connect() as db:
            account = db.execute(
                sa.text("SELECT * FROM accounts WHERE id = :id"), {"id": account_id}
            ).one_or_none()
            key = db.execute(
                sa.text("SELECT * FROM account_field_keys WHERE owner_id = :id"), {"id": account_id}
            ).one()
    finally:
        engine.dispose()
    return account, key


def test_identity_keeps_a_client_sealed_and_destroys_its_key_when_the_account_goes(kluis):
    """Issue #18 in identity: the account's e-mail, name and mobile are stored sealed
    under its own key; unlinking the account at the end of the relationship destroys
    that key, so a copy of the row (a backup) can no longer be read. Others still sign
    in, and the address can be used for a new account afterwards."""
    office = Office(kluis, kluis.admin())
    owner = office.staffed("owner")[1]
    mobile = f"+3161{secrets.randbelow(10**7):07d}"
    client = _client(owner, office, name="Ada Verzegeld", mobile=mobile)
    portal = activate(kluis, owner, client)
    account_id = portal.get("/me").json()["id"]
    other = kluis.create_client()

    row, key = _identity_rows(kluis, account_id)
    stored = json.dumps([str(value) for value in row])
    for plain in (client["email"], "Verzegeld", mobile[3:]):
        assert plain not in stored
    assert row.email_index and row.mobile_index and key.wrapped is not None
    ring = _keyring(kluis)
    field_key = ring.open_key(key.kek_id, key.id, key.wrapped)
    assert open_sealed(field_key, row.name, f"accounts.name:{account_id}") == "Ada Verzegeld"

    assert owner.post(f"/clients/{client['id']}/end-relationship").status_code == 200
    gone, shredded = _identity_rows(kluis, account_id)
    assert gone is None and shredded.wrapped is None and shredded.shredded_at is not None
    with pytest.raises(FieldKeyShredded):  # the copy kept aside: its key is no more
        ring.open_key(shredded.kek_id, shredded.id, shredded.wrapped)

    assert kluis.login(other, CLIENT_PASSWORD)
    with kluis.rpc(kluis.admin_principal()) as rpc:
        rpc.identity.create_account("client", client["email"], "Ada", "nl", CLIENT_PASSWORD)
    again = kluis.client(kluis.login(client["email"].upper(), CLIENT_PASSWORD))
    assert again.get("/me").json()["id"] != account_id


def test_after_retention_a_companys_extra_accounts_keep_nothing_as_signers(kluis, case):
    """A company's extra accounts sign under their own ids: at the end of retention
    signing erases each of them too, one still there and one removed before (known by
    dossier's audit trail alone then), a pending request of the removed one expired."""
    owner, office = case["owner"], case["office"]
    company = _client(owner, office, type="company", name="Bakkerij Vergeten BV")
    dossier = owner.post(
        f"/clients/{company['id']}/dossiers", json={"number": "BV-9", "description": "Pand"}
    ).json()
    main = activate(kluis, owner, company)
    extras = []
    for name in ("Kees Vergeten", "Greet Vergeten"):
        email = unique_email("extra")
        added = main.post("/me/accounts", json={"name": name, "email": email})
        assert added.status_code == 201, added.text
        extras.append(
            (added.json(), activate(kluis, owner, {**added.json(), "email": email}, invited=True))
        )
    (kees, kees_portal), (greet, _greet_portal) = extras
    first = upload(owner, dossier["id"], samples.pdf("Akte BV"), name="akte.pdf").json()
    offered = owner.post(
        f"/documents/{first['id']}/signing-requests", json={"signer_id": kees["id"]}
    ).json()
    signed = kees_portal.post(
        f"/signing-requests/{offered['id']}/sign",
        json={"full_name": "Kees Vergeten", "agree": True},
        headers={"User-Agent": "Kees-Browser/1.0"},
    )
    assert signed.status_code == 200, signed.text
    second = upload(owner, dossier["id"], samples.pdf("Akte BV 2"), name="akte2.pdf").json()
    pending = owner.post(
        f"/documents/{second['id']}/signing-requests", json={"signer_id": greet["id"]}
    ).json()
    assert main.delete(f"/me/accounts/{greet['id']}").status_code == 204

    assert owner.post(f"/clients/{company['id']}/end-relationship").status_code == 200
    wait_until(
        lambda: owner.get(f"/clients/{company['id']}/retention").json()["erased"],
        timeout=RETENTION_S + 20,
    )
    for extra in (kees, greet):
        rows, keys = _signing_rows(kluis, extra["id"])
        assert [k["wrapped"] for k in keys] == [None], extra["name"]
        assert {(r["signer_name"], r["signer_email"], r["evidence"]) for r in rows} == {
            ("", "", None)
        }
    assert owner.get(f"/signing-requests/{offered['id']}").json()["signer"]["name"] == ""
    assert owner.get(f"/signing-requests/{pending['id']}").json()["status"] == "expired"
