"""docs/api.md "Clients, consent and products" (clients and consent), the invitation and
activation rows of "Portal invitation, ...", and "Dossiers" (without the document and
message counts, which arrive with those issues). Through HTTP."""

import time

from .conftest import link_token, unique_email
from .staff_app import Office


def _client(staff, office, **fields):
    body = {"type": "person", "name": "Jan Jansen", "email": unique_email(), **fields}
    response = staff.post(f"/offices/{office.id}/clients", json=body)
    assert response.status_code == 201, response.text
    return response.json()


def _wait_for_status(staff, client_id, status, timeout=20):
    deadline = time.monotonic() + timeout
    while staff.get(f"/clients/{client_id}/invitation").json()["status"] != status:
        assert time.monotonic() < deadline
        time.sleep(0.1)


def activate(kluis, staff, client, password="Mijn-Kluis-2026", invited=False):
    """Invitation, e-mails 1 and 2 (and the SMS code), password: -> a signed-in client."""
    before = len(kluis.mail.messages(client["email"]))
    texts_before = len([s for s in kluis.sms_lines() if s["to"] == client.get("mobile")])
    if not invited:
        assert staff.post(f"/clients/{client['id']}/invitation").status_code == 202
    first = link_token(kluis.mail.wait_for(client["email"], count=before + 1)[before])
    assert (
        kluis.client()
        .post("/activation", json={"token": first, "email": client["email"]})
        .status_code
        == 202
    )
    second = link_token(kluis.mail.wait_for(client["email"], count=before + 2)[before + 1])
    body = {"token": second, "password": password}
    if client.get("mobile"):
        body["sms_code"] = kluis.sms_code(client["mobile"], count=texts_before + 1)
    response = kluis.client().post("/activation/complete", json=body)
    assert response.status_code == 200, response.text
    kluis.mail.wait_for(client["email"], count=before + 3)  # e-mail 3, before going on
    return kluis.client(response.json()["token"])


def test_consent_defaults_by_who_creates_the_client(kluis, office, staff):
    by_office = _client(staff, office)
    assert by_office["shared"] is True and by_office["office_id"] == office.id
    by_admin = _client(office.admin, office)
    assert by_admin["shared"] is False
    assert staff.get(f"/clients/{by_admin['id']}").status_code == 404
    listed = [c["id"] for c in staff.get("/clients").json()["items"]]
    assert by_office["id"] in listed and by_admin["id"] not in listed
    again = staff.post(
        f"/offices/{office.id}/clients",
        json={"type": "person", "name": "Dubbel", "email": by_office["email"].upper()},
    )
    assert again.status_code == 409 and again.json()["error"] == "client_exists"
    bad = staff.post(
        f"/offices/{office.id}/clients",
        json={"type": "robot", "name": "", "email": "geen-adres", "status": "vip"},
    )
    assert bad.status_code == 400
    assert set(bad.json()["details"]) == {"type", "name", "email", "status"}


def test_staff_see_consenting_clients_of_all_their_offices_and_nothing_else(kluis, office):
    admin = office.admin
    address = unique_email("adviseur")
    other = Office(kluis, admin)
    person = office.add(admin, "owner", email_address=address)
    other.add(admin, "owner", email_address=address)
    _app, staff = office.register(person, admin)
    here, there = _client(staff, office, name="Anna Hier"), _client(staff, other, name="Bob Daar")
    stranger_office = Office(kluis, admin)
    _app, stranger = stranger_office.staffed("owner")
    elsewhere = _client(stranger, stranger_office, name="Anna Elders")
    found = {c["id"]: c["office_id"] for c in staff.get("/clients?q=anna").json()["items"]}
    assert found == {here["id"]: office.id}
    everyone = {c["id"]: c["office_id"] for c in staff.get("/clients").json()["items"]}
    assert everyone == {here["id"]: office.id, there["id"]: other.id}
    assert staff.get(f"/clients/{elsewhere['id']}").status_code == 404
    assert staff.patch(f"/clients/{elsewhere['id']}", json={"name": "X"}).status_code == 404
    assert (
        staff.post(
            f"/offices/{stranger_office.id}/clients",
            json={"type": "person", "name": "X", "email": unique_email()},
        ).status_code
        == 404
    )


def test_invitation_activation_and_locked_contacts(kluis, office, staff):
    client = _client(staff, office, mobile="06 22223333", language="en")
    assert staff.get(f"/clients/{client['id']}/invitation").json()["status"] == "not_invited"
    sent = staff.post(f"/clients/{client['id']}/invitation")
    assert sent.status_code == 202 and sent.json()["status"] == "sent"
    first = kluis.mail.wait_for(client["email"])[0]
    assert office.partner_id in first["Subject"] and "invites you" in first["Subject"]
    token = link_token(first)
    wrong = kluis.client().post("/activation", json={"token": token, "email": unique_email()})
    assert wrong.status_code == 400 and wrong.json()["error"] == "invalid_token"
    assert (
        kluis.client()
        .post("/activation", json={"token": token, "email": client["email"]})
        .status_code
        == 202
    )
    second = kluis.mail.wait_for(client["email"], count=2)[1]
    assert second["Subject"] == "Choose your password for Kluis"
    body = {"token": link_token(second), "password": "Mijn-Kluis-2026"}
    missing = kluis.client().post("/activation/complete", json=body)
    assert missing.status_code == 422 and missing.json()["error"] == "invalid_code"
    weak = kluis.client().post("/activation/complete", json={**body, "password": "kluis"})
    assert weak.status_code == 422 and weak.json()["error"] == "weak_password"
    client_session = activate_with_code(kluis, client, body)
    assert (
        kluis.mail.wait_for(client["email"], count=3)[2]["Subject"]
        == "Your Kluis account is active"
    )
    _wait_for_status(staff, client["id"], "accepted")
    assert staff.post(f"/clients/{client['id']}/invitation/resend").status_code == 409
    locked = staff.patch(f"/clients/{client['id']}", json={"email": unique_email()})
    assert locked.status_code == 409 and locked.json()["error"] == "contact_locked"
    assert staff.patch(f"/clients/{client['id']}", json={"mobile": None}).status_code == 409
    assert (
        staff.patch(f"/clients/{client['id']}", json={"name": "Jan J."}).json()["name"] == "Jan J."
    )
    me = client_session.get("/me").json()
    assert me["kind"] == "client" and me["first_login"] is True
    again = kluis.client(kluis.login(client["email"], "Mijn-Kluis-2026")).get("/me").json()
    assert again["first_login"] is False


def activate_with_code(kluis, client, body):
    code = kluis.sms_code("+31622223333")
    response = kluis.client().post("/activation/complete", json={**body, "sms_code": code})
    assert response.status_code == 200, response.text
    return kluis.client(response.json()["token"])


def test_a_resent_invitation_replaces_the_old_link(kluis, office, staff):
    client = _client(staff, office)
    staff.post(f"/clients/{client['id']}/invitation")
    old = link_token(kluis.mail.wait_for(client["email"])[0])
    assert staff.post(f"/clients/{client['id']}/invitation/resend").status_code == 202
    new = link_token(kluis.mail.wait_for(client["email"], count=2)[1])
    assert (
        kluis.client()
        .post("/activation", json={"token": old, "email": client["email"]})
        .status_code
        == 400
    )
    assert (
        kluis.client()
        .post("/activation", json={"token": new, "email": client["email"]})
        .status_code
        == 202
    )


def test_consent_changes_every_staff_view_at_once(kluis, office, staff):
    client = _client(staff, office)
    portal = activate(kluis, staff, client)
    dossier = staff.post(
        f"/clients/{client['id']}/dossiers",
        json={"number": "2026-001", "description": "Hypotheek Dorpsstraat 1"},
    ).json()
    assert portal.get("/me/consents").json()["items"] == [
        {
            "office_id": office.id,
            "office_name": f"Hypotheekhuis {office.partner_id}",
            "shared": True,
        }
    ]
    assert portal.put(f"/me/consents/{office.id}", json={"shared": "nee"}).status_code == 400
    assert portal.put(f"/me/consents/{office.id}", json={"shared": False}).json()["shared"] is False
    assert staff.get(f"/clients/{client['id']}").status_code == 404
    assert staff.get(f"/dossiers/{dossier['id']}").status_code == 404
    assert dossier["id"] not in [d["id"] for d in staff.get("/dossiers").json()["items"]]
    assert portal.get(f"/dossiers/{dossier['id']}").status_code == 200  # still the client's
    portal.put(f"/me/consents/{office.id}", json={"shared": True})
    assert staff.get(f"/clients/{client['id']}").status_code == 200
    assert portal.put("/me/consents/elders", json={"shared": True}).status_code == 404
    assert staff.get("/me/consents").status_code == 403


def test_dossiers_search_filter_and_visibility(kluis, office, staff):
    client = _client(staff, office)
    other = _client(staff, office)
    opened = staff.post(
        f"/clients/{client['id']}/dossiers",
        json={"number": "HY-7", "description": "Oversluiten hypotheek"},
    )
    assert opened.status_code == 201 and opened.json()["status"] == "in_progress"
    closed = staff.post(
        f"/clients/{client['id']}/dossiers",
        json={"number": "LV-8", "description": "Levensverzekering", "status": "closed"},
    ).json()
    taken = staff.post(
        f"/clients/{other['id']}/dossiers", json={"number": "HY-7", "description": "Dubbel"}
    )
    assert taken.status_code == 409 and taken.json()["error"] == "dossier_number_taken"
    theirs = staff.post(
        f"/clients/{other['id']}/dossiers", json={"number": "HY-9", "description": "Aankoop"}
    ).json()

    def mine(path):
        return [
            d["number"]
            for d in staff.get(path).json()["items"]
            if d["client_id"] in (client["id"], other["id"])
        ]

    assert sorted(mine("/dossiers")) == ["HY-7", "HY-9"]
    assert mine("/dossiers?status=closed") == ["LV-8"]
    assert sorted(mine("/dossiers?status=all")) == ["HY-7", "HY-9", "LV-8"]
    assert mine("/dossiers?q=oversluit") == ["HY-7"]
    assert mine("/dossiers?q=lv-8&status=all") == ["LV-8"]
    assert staff.get("/dossiers?status=open").status_code == 400
    patched = staff.patch(f"/dossiers/{opened.json()['id']}", json={"status": "closed"})
    assert patched.status_code == 200 and patched.json()["status"] == "closed"
    assert staff.patch(f"/dossiers/{closed['id']}", json={"number": "X"}).status_code == 400
    portal = activate(kluis, staff, client)
    seen = [d["number"] for d in portal.get("/dossiers?status=all").json()["items"]]
    assert sorted(seen) == ["HY-7", "LV-8"]
    assert portal.get(f"/dossiers/{theirs['id']}").status_code == 404
    assert (
        portal.patch(f"/dossiers/{closed['id']}", json={"status": "in_progress"}).status_code == 403
    )
    assert (
        portal.post(
            f"/clients/{client['id']}/dossiers", json={"number": "Z", "description": "Z"}
        ).status_code
        == 403
    )
    outsider_office = Office(kluis, office.admin)
    _app, outsider = outsider_office.staffed("owner")
    assert outsider.get(f"/dossiers/{theirs['id']}").status_code == 404
    assert (
        outsider.post(
            f"/clients/{client['id']}/dossiers", json={"number": "Z", "description": "Z"}
        ).status_code
        == 404
    )


def test_staff_see_a_company_and_never_its_extra_accounts(kluis, office, staff):
    """docs/architecture.md "Who sees what": an extra account is a login of the company,
    not a client of the office. The lender (admin) may open an application for any
    client record, an extra account's too; staff then see it in no list, as they
    cannot open the record (until now GET /mortgage-applications listed it)."""
    company = _client(staff, office, type="company", name="Bouwbedrijf Extra BV")
    main = activate(kluis, staff, company)
    extra = main.post("/me/accounts", json={"name": "Extra", "email": unique_email()})
    assert extra.status_code == 201, extra.text
    extra = extra.json()
    on_company = staff.post(
        f"/clients/{company['id']}/mortgage-applications", json={"amount_cents": 700000}
    ).json()
    on_extra = office.admin.post(
        f"/clients/{extra['id']}/mortgage-applications", json={"amount_cents": 500000}
    )
    assert on_extra.status_code == 201, on_extra.text
    listed = [
        a["id"] for a in staff.get("/mortgage-applications?status=all&limit=200").json()["items"]
    ]
    assert on_company["id"] in listed and on_extra.json()["id"] not in listed
    assert staff.get(f"/clients/{extra['id']}").status_code == 404
    assert (
        staff.post(
            f"/clients/{extra['id']}/dossiers", json={"number": "X-1", "description": "X"}
        ).status_code
        == 404
    )
    assert staff.get("/clients", params={"q": extra["email"]}).json()["items"] == []
    assert [
        c["id"] for c in staff.get("/clients", params={"q": company["email"]}).json()["items"]
    ] == [company["id"]]
