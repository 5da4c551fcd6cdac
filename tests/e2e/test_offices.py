"""docs/api.md "Offices, staff and profile", through HTTP."""

import pytest

from .conftest import unique_email
from .staff_app import Office


@pytest.fixture
def admin(kluis):
    return kluis.admin()


@pytest.fixture
def office(kluis, admin):
    return Office(kluis, admin)


@pytest.fixture
def owner(office):
    """-> (person, client) of the office's registered owner."""
    person = office.add(office.admin, "owner")
    _app, client = office.register(person, office.admin)
    return person, client


def test_the_admin_creates_offices_by_partner_id(kluis, admin, office):
    again = admin.post(
        "/offices",
        json={"partner_id": office.partner_id.lower(), "name": "Ander kantoor", "city": "Zwolle"},
    )
    assert again.status_code == 409 and again.json()["error"] == "partner_id_taken"
    bad = admin.post("/offices", json={"partner_id": "", "name": "X", "city": "Y", "owner": "me"})
    assert bad.status_code == 400 and set(bad.json()["details"]) == {"partner_id", "owner"}
    mine = [o for o in every_office(admin) if o["id"] == office.id]
    assert mine == [
        {
            "id": office.id,
            "partner_id": office.partner_id,
            "city": "Utrecht",
            "name": f"Hypotheekhuis {office.partner_id}",
            "label": None,
            "created_at": mine[0]["created_at"],
        }
    ]
    client = kluis.client(kluis.login(kluis.create_client(), "Klant-Wachtwoord-7"))
    assert (
        client.post("/offices", json={"partner_id": "DP-X1", "name": "X", "city": "Y"}).status_code
        == 403
    )
    assert client.get("/offices").status_code == 403


def test_staff_see_only_their_own_offices(kluis, admin, office, owner):
    other = Office(kluis, admin)
    _person, client = owner
    items = client.get("/offices").json()["items"]
    assert [(o["id"], o["role"]) for o in items] == [(office.id, "owner")]
    assert client.get(f"/offices/{other.id}/staff").status_code == 404
    assert (
        client.post(
            f"/offices/{other.id}/staff",
            json={"name": "X", "email": unique_email(), "role": "staff"},
        ).status_code
        == 404
    )


def test_contact_details_must_be_personal(office, owner):
    _person, client = owner
    for mailbox in ("info", "Kantoor", "ADMIN", "receptie", "support"):
        response = client.post(
            f"/offices/{office.id}/staff",
            json={"name": "Balie", "email": f"{mailbox}@hypotheekhuis.nl", "role": "staff"},
        )
        assert response.status_code == 422, mailbox
        assert response.json()["error"] == "role_address_not_allowed"
    for number in ("0612", "020 123 4567", "+31 6 1234", "mobiel"):
        response = client.post(
            f"/offices/{office.id}/staff",
            json={"name": "Piet", "email": unique_email(), "mobile": number, "role": "staff"},
        )
        assert response.status_code == 422 and response.json()["error"] == "invalid_mobile"
    for written in ("06 12345678", "+31 6 12 34 56 78", "0031612345678"):
        person = office.add(client, "staff", mobile=written)
        assert person["mobile"] == "+31612345678"
    staff = client.get(f"/offices/{office.id}/staff").json()["items"]
    assert len(staff) == 4  # the owner and three people; nothing refused was recorded


def test_one_person_works_for_several_offices(kluis, admin, office):
    address = unique_email("eigenaar")
    first = office.add(admin, "owner", email_address=address)
    other = Office(kluis, admin)
    second = other.add(admin, "owner", email_address=address.upper())
    assert first["person_id"] == second["person_id"]
    again = admin.post(
        f"/offices/{other.id}/staff", json={"name": "Anna", "email": address, "role": "owner"}
    )
    assert again.status_code == 409 and again.json()["error"] == "already_member"
    client_address = kluis.create_client()
    taken = admin.post(
        f"/offices/{office.id}/staff",
        json={"name": "Klant", "email": client_address, "role": "owner"},
    )
    assert taken.status_code == 409 and taken.json()["error"] == "email_in_use"
    _app, client = office.register(first, admin)
    me = client.get("/me").json()
    assert {(o["id"], o["role"]) for o in me["offices"]} == {
        (office.id, "owner"),
        (other.id, "owner"),
    }
    assert me["active_office_id"] == office.id
    assert (
        client.put("/me/active-office", json={"office_id": other.id}).json()["active_office_id"]
        == other.id
    )
    assert client.put("/me/active-office", json={"office_id": "elders"}).status_code == 404
    relogin = kluis.client(_app.login().json()["token"])  # remembered across sign-ins
    assert relogin.get("/me").json()["active_office_id"] == other.id


def test_who_may_add_whom(kluis, admin, office, owner):
    _person, owner_client = owner
    assert (
        admin.post(
            f"/offices/{office.id}/staff",
            json={"name": "X", "email": unique_email(), "role": "staff"},
        ).status_code
        == 403
    )
    manager = office.add(owner_client, "staff_manager")
    _app, manager_client = office.register(manager, owner_client)
    assert (
        manager_client.post(
            f"/offices/{office.id}/staff",
            json={"name": "X", "email": unique_email(), "role": "owner"},
        ).status_code
        == 403
    )
    colleague = office.add(manager_client, "staff")
    _app, staff_client = office.register(colleague, manager_client)
    assert (
        staff_client.post(
            f"/offices/{office.id}/staff",
            json={"name": "X", "email": unique_email(), "role": "staff"},
        ).status_code
        == 404
    )
    assert staff_client.get(f"/offices/{office.id}/staff").status_code == 404
    listed = {
        p["person_id"]: (p["role"], p["registration"])
        for p in manager_client.get(f"/offices/{office.id}/staff").json()["items"]
    }
    assert listed[colleague["person_id"]] == ("staff", "registered")
    waiting = office.add(owner_client, "staff")
    listed = {
        p["person_id"]: p["registration"]
        for p in owner_client.get(f"/offices/{office.id}/staff").json()["items"]
    }
    assert listed[waiting["person_id"]] == "not_registered"


def test_roles_change_at_once_and_not_above_ones_own(office, owner):
    _person, owner_client = owner
    manager = office.add(owner_client, "staff_manager")
    _app, manager_client = office.register(manager, owner_client)
    colleague = office.add(owner_client, "staff")
    _app, colleague_client = office.register(colleague, owner_client)
    path = f"/offices/{office.id}/staff/{colleague['person_id']}"
    assert manager_client.patch(path, json={"role": "owner"}).status_code == 403
    assert colleague_client.get(f"/offices/{office.id}/staff").status_code == 404
    promoted = manager_client.patch(path, json={"role": "staff_manager"})
    assert promoted.status_code == 200 and promoted.json()["role"] == "staff_manager"
    assert colleague_client.get(f"/offices/{office.id}/staff").status_code == 200  # at once
    owner_path = f"/offices/{office.id}/staff/{_person['person_id']}"
    assert manager_client.patch(owner_path, json={"role": "staff"}).status_code == 403
    last = owner_client.patch(owner_path, json={"role": "staff"})
    assert last.status_code == 409 and last.json()["error"] == "last_owner"
    assert owner_client.patch(path, json={"role": "chef"}).status_code == 400


def test_a_removed_staff_members_very_next_request_is_refused(kluis, office, owner):
    _person, owner_client = owner
    colleague = office.add(owner_client, "staff_manager")
    _app, colleague_client = office.register(colleague, owner_client)
    assert colleague_client.get(f"/offices/{office.id}/staff").status_code == 200
    removed = owner_client.request("DELETE", f"/offices/{office.id}/staff/{colleague['person_id']}")
    assert removed.status_code == 204
    refused = colleague_client.get(f"/offices/{office.id}/staff")
    assert refused.status_code == 404
    assert colleague_client.get("/offices").json()["items"] == []
    assert colleague_client.get("/me").json()["offices"] == []
    audit = owner_client.get(f"/offices/{office.id}/audit").json()["items"]
    removal = [e for e in audit if e["action"] == "staff_removed"]
    assert removal[0]["actor"] == _person["person_id"]
    assert removal[0]["object"] == {"type": "account", "id": colleague["person_id"]}
    assert removal[0]["at"]
    assert {"registration_approved", "device_bound", "staff_added"} <= {e["action"] for e in audit}


def test_staff_cannot_sign_in_with_a_password(kluis, office, owner):
    person, _client = owner
    response = kluis.client().post(
        "/auth/login", json={"email": person["email"], "password": "Wat-Dan-Ook-1"}
    )
    assert response.status_code == 401 and response.json()["error"] == "invalid_credentials"


def every_office(admin):
    """GET /offices page by page (other tests of this module may have made many)."""
    items, cursor = [], None
    while True:
        page = admin.get(
            "/offices", params={"limit": 200, **({"cursor": cursor} if cursor else {})}
        )
        items += page.json()["items"]
        cursor = page.json().get("next_cursor")
        if not cursor:
            return items
