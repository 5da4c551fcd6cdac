"""What a careless or hostile caller tries against clients, consent, activation,
look-along and extra accounts; also straight over RPC, past the gateway."""

import secrets
import sqlite3

import pytest

from services.common.context import Principal
from services.common.errors import Forbidden, NotFound, ReadOnlySession

from .conftest import link_token, unique_email
from .staff_app import Office
from .test_clients import _client, activate


@pytest.fixture
def two_offices(kluis):
    admin = kluis.admin()
    a, b = Office(kluis, admin), Office(kluis, admin)
    return (a, a.staffed("owner")[1]), (b, b.staffed("owner")[1])


def test_a_client_of_two_offices_is_seen_by_each_look_along_only_there(kluis, two_offices):
    (a, staff_a), (b, staff_b) = two_offices
    address = unique_email()
    at_a = _client(staff_a, a, email=address)
    at_b = _client(staff_b, b, email=address)
    staff_a.post(f"/clients/{at_a['id']}/dossiers", json={"number": "A-9", "description": "A"})
    staff_b.post(f"/clients/{at_b['id']}/dossiers", json={"number": "B-9", "description": "B"})
    portal = activate(kluis, staff_a, at_a)
    staff_b.post(f"/clients/{at_b['id']}/invitation")
    token = link_token(kluis.mail.wait_for(address, count=4)[3])
    assert (
        kluis.client().post("/activation", json={"token": token, "email": address}).status_code
        == 202
    )
    # An active account keeps its password: no new link mailed, but office b sees
    # nothing until the holder accepts its request in the portal.
    assert staff_b.get(f"/clients/{at_b['id']}/invitation").json()["confirmation_pending"]
    assert "koppelen" in kluis.mail.wait_for(address, count=5)[4]["Subject"]
    # A set-password link would have come from identity's outbox before this reset
    # link: once the reset link is here, the one such link is the first activation's.
    assert kluis.client().post("/auth/password/forgot", json={"email": address}).status_code == 202
    kluis.mail.wait_for(address, subject="nieuw wachtwoord")
    assert len(kluis.mail.messages(address, subject="Kies uw wachtwoord")) == 1
    assert [d["number"] for d in portal.get("/dossiers").json()["items"]] == ["A-9"]
    assert portal.post(f"/me/link-requests/{at_b['id']}/accept").status_code == 200
    assert staff_b.get(f"/clients/{at_b['id']}/invitation").json()["status"] == "accepted"
    assert sorted(d["number"] for d in portal.get("/dossiers").json()["items"]) == ["A-9", "B-9"]
    looking = kluis.client(staff_b.post(f"/clients/{at_b['id']}/look-along").json()["token"])
    assert [d["number"] for d in looking.get("/dossiers").json()["items"]] == ["B-9"]
    assert [c["office_id"] for c in looking.get("/me/consents").json()["items"]] == [b.id]
    portal.put(f"/me/consents/{b.id}", json={"shared": False})
    assert looking.get("/dossiers").json()["items"] == []


def test_a_look_along_session_ends_with_its_staff_members_membership(kluis):
    office = Office(kluis, kluis.admin())
    person = office.add(office.admin, "owner")
    _app, owner = office.register(person, office.admin)
    colleague = office.add(owner, "staff")
    _app, looker = office.register(colleague, owner)
    client = _client(owner, office)
    activate(kluis, owner, client)
    looking = kluis.client(looker.post(f"/clients/{client['id']}/look-along").json()["token"])
    assert looking.get("/dossiers").status_code == 200
    owner.delete(f"/offices/{office.id}/staff/{colleague['person_id']}")
    assert looking.get("/dossiers").status_code == 401


def test_a_companys_consent_covers_its_extra_accounts(kluis, two_offices):
    (a, staff_a), _ = two_offices
    company = _client(staff_a, a, type="company", name="Consent BV")
    main = activate(kluis, staff_a, company)
    child = main.post("/me/accounts", json={"name": "Extra", "email": unique_email()}).json()
    assert staff_a.get(f"/clients/{child['id']}").status_code == 404  # never staff's own
    assert staff_a.post(f"/clients/{child['id']}/look-along").status_code == 404
    main.put(f"/me/consents/{a.id}", json={"shared": False})
    assert staff_a.get(f"/clients/{company['id']}").status_code == 404


def test_removing_an_extra_account_spares_a_portal_account_used_elsewhere(kluis, two_offices):
    (a, staff_a), (b, staff_b) = two_offices
    address = unique_email()
    elsewhere = activate(kluis, staff_b, _client(staff_b, b, email=address))
    company = _client(staff_a, a, type="company", name="Overname BV")
    main = activate(kluis, staff_a, company)
    child = main.post("/me/accounts", json={"name": "Slachtoffer", "email": address}).json()
    token = link_token(kluis.mail.wait_for(address, count=4)[3])
    kluis.client().post("/activation", json={"token": token, "email": address})
    assert main.delete(f"/me/accounts/{child['id']}").status_code == 204
    assert elsewhere.get("/dossiers").status_code == 200  # still there


def test_no_reset_before_activation_and_no_flood_of_activation_links(kluis, two_offices):
    (a, staff_a), _ = two_offices
    client = _client(staff_a, a)
    staff_a.post(f"/clients/{client['id']}/invitation")
    token = link_token(kluis.mail.wait_for(client["email"])[0])
    body = {"token": token, "email": client["email"]}
    assert kluis.client().post("/activation", json=body).status_code == 202
    kluis.mail.wait_for(client["email"], count=2)
    kluis.client().post("/auth/password/forgot", json={"email": client["email"]})
    for _ in range(4):
        assert kluis.client().post("/activation", json=body).status_code == 202
    flood = kluis.client().post("/activation", json=body)
    assert flood.status_code == 429
    subjects = [m["Subject"] for m in kluis.mail.wait_for(client["email"], count=6)]
    assert not any("nieuw wachtwoord" in s.lower() for s in subjects)


def test_the_activation_sms_code_lives_ten_minutes(kluis, two_offices):
    (a, staff_a), _ = two_offices
    client = _client(staff_a, a, mobile="06 33334444")
    staff_a.post(f"/clients/{client['id']}/invitation")
    first = link_token(kluis.mail.wait_for(client["email"])[0])
    kluis.client().post("/activation", json={"token": first, "email": client["email"]})
    second = link_token(kluis.mail.wait_for(client["email"], count=2)[1])
    code = kluis.sms_code("+31633334444")
    with sqlite3.connect(kluis.system.var / "identity.db") as db:  # eleven minutes pass
        db.execute(
            "UPDATE password_resets SET created_at = '2000-01-01 00:00:00' "
            "WHERE purpose = 'activation' AND used_at IS NULL"
        )
    late = kluis.client().post(
        "/activation/complete",
        json={"token": second, "password": "Mijn-Kluis-2026", "sms_code": code},
    )
    assert late.status_code == 422 and late.json()["error"] == "invalid_code"


def test_five_wrong_activation_sms_codes_spend_the_link(kluis, two_offices):
    (a, staff_a), _ = two_offices
    digits = f"1{secrets.randbelow(10**7):07d}"
    client = _client(staff_a, a, mobile=f"06 {digits}")
    staff_a.post(f"/clients/{client['id']}/invitation")
    first = link_token(kluis.mail.wait_for(client["email"])[0])
    kluis.client().post("/activation", json={"token": first, "email": client["email"]})
    body = {
        "token": link_token(kluis.mail.wait_for(client["email"], count=2)[1]),
        "password": "Mijn-Kluis-2026",
    }
    code = kluis.sms_code(f"+316{digits}")
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    answers = [
        kluis.client().post("/activation/complete", json={**body, "sms_code": wrong})
        for _ in range(5)
    ]
    assert [(a.status_code, a.json()["error"]) for a in answers] == [(422, "invalid_code")] * 5
    right = kluis.client().post("/activation/complete", json={**body, "sms_code": code})
    assert (right.status_code, right.json()["error"]) == (410, "token_used")


def test_services_refuse_other_offices_and_read_only_principals_over_rpc(kluis, two_offices):
    (a, staff_a), (b, staff_b) = two_offices
    client = _client(staff_a, a)
    staff_b_id = staff_b.get("/me").json()["id"]
    with kluis.rpc(Principal(staff_b_id, "staff", offices={b.id: "owner"})) as rpc:
        with pytest.raises(NotFound):
            rpc.dossier.get_client(client["id"])
        with pytest.raises(NotFound):
            rpc.dossier.update_client(client["id"], {"name": "X"})
        with pytest.raises(Forbidden):
            rpc.identity.prepare_client_account(unique_email(), "X", None, "nl")
    portal = activate(kluis, staff_a, client)
    me = portal.get("/me").json()["id"]
    with kluis.rpc(
        Principal(me, "client", read_only=True, looked_along_by=staff_b_id, scope_office_id=a.id)
    ) as rpc:
        with pytest.raises(ReadOnlySession):
            rpc.dossier.set_my_consent(a.id, False)
        with pytest.raises(ReadOnlySession):
            rpc.identity.update_me(language="en")
    assert portal.get("/me/consents").json()["items"][0]["shared"] is True
