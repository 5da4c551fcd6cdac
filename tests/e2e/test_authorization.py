"""Issue #4's endpoints tried as a client of another office, staff of another office,
a removed staff member and a look-along session: nothing of office A leaks, and
nothing of it changes."""

import json

import pytest

from .conftest import unique_email
from .staff_app import Office
from .test_clients import _client, activate


@pytest.fixture(scope="module")
def world(kluis):
    admin = kluis.admin()
    office_a, office_b = Office(kluis, admin), Office(kluis, admin)
    _app, owner_a = office_a.staffed("owner")
    company = _client(owner_a, office_a, type="company", name="Geheim BV")
    dossier = owner_a.post(
        f"/clients/{company['id']}/dossiers",
        json={"number": "GEHEIM-1", "description": "Vertrouwelijk pand"},
    ).json()
    product = owner_a.post(f"/clients/{company['id']}/products", json={"kind": "mortgage"}).json()
    application = owner_a.post(
        f"/clients/{company['id']}/mortgage-applications", json={"amount_cents": 100000}
    ).json()
    main = activate(kluis, owner_a, company)
    extra = main.post("/me/accounts", json={"name": "Extra", "email": unique_email()}).json()
    other_client = _client(owner_a, office_a, name="Nog Niet Uitgenodigd")
    removed_person = office_a.add(owner_a, "staff_manager")
    _app, removed = office_a.register(removed_person, owner_a)
    assert (
        owner_a.delete(f"/offices/{office_a.id}/staff/{removed_person['person_id']}").status_code
        == 204
    )
    _app, owner_b = office_b.staffed("owner")
    client_b = activate(kluis, owner_b, _client(owner_b, office_b))
    looking = kluis.client(owner_a.post(f"/clients/{company['id']}/look-along").json()["token"])
    return {
        "a": office_a,
        "owner_a": owner_a,
        "company": company,
        "dossier": dossier,
        "product": product,
        "application": application,
        "extra": extra,
        "other_client": other_client,
        "main": main,
        "attackers": {
            "client of B": client_b,
            "staff of B": owner_b,
            "removed staff of A": removed,
            "look-along": looking,
        },
    }


def _attempts(w):
    c, d, o = w["company"]["id"], w["dossier"]["id"], w["other_client"]["id"]
    return [
        (
            "POST",
            f"/offices/{w['a'].id}/clients",
            {"type": "person", "name": "X", "email": unique_email()},
        ),
        ("GET", f"/clients/{c}", None),
        ("PATCH", f"/clients/{c}", {"name": "Overgenomen"}),
        ("PUT", f"/me/consents/{w['a'].id}", {"shared": False}),
        ("GET", f"/clients/{c}/products", None),
        ("POST", f"/clients/{c}/products", {"kind": "mortgage"}),
        ("POST", f"/clients/{c}/mortgage-applications", {"amount_cents": 5}),
        ("PATCH", f"/mortgage-applications/{w['application']['id']}", {"status": "rejected"}),
        ("POST", f"/clients/{o}/invitation", None),
        ("POST", f"/clients/{o}/invitation/resend", None),
        ("GET", f"/clients/{c}/invitation", None),
        ("POST", f"/clients/{c}/unlink", None),
        ("POST", f"/clients/{c}/look-along", None),
        ("GET", f"/me/accounts/{w['extra']['id']}", None),
        ("DELETE", f"/me/accounts/{w['extra']['id']}", None),
        ("POST", f"/clients/{c}/dossiers", {"number": "X-1", "description": "X"}),
        ("GET", f"/dossiers/{d}/audit", None),
        ("PATCH", f"/dossiers/{d}", {"status": "closed"}),
    ]


LISTS = [
    "/clients",
    "/clients?q=geheim",
    "/dossiers?status=all",
    "/dossiers?q=GEHEIM",
    "/mortgage-applications?status=all",
    "/me/consents",
    "/me/accounts",
    "/me/audit",
    "/actions",
    "/home",
]


@pytest.mark.parametrize("who", ["client of B", "staff of B", "removed staff of A", "look-along"])
def test_no_leak_and_no_change(world, who):
    attacker = world["attackers"][who]
    secrets_of_a = [
        world["company"]["id"],
        world["dossier"]["id"],
        world["application"]["id"],
        world["product"]["id"],
        world["extra"]["id"],
        "GEHEIM",
        "Geheim BV",
        world["other_client"]["id"],
    ]
    for method, path, body in _attempts(world):
        response = attacker.request(method, path, json=body)
        allowed = (401, 403, 404)
        if who == "look-along" and method == "GET":
            allowed += (200,)  # it reads what the client reads (their extra account)
        assert response.status_code in allowed, (who, method, path, response.text)
        if who == "look-along" and method != "GET":
            assert response.json()["error"] == "read_only_session", (method, path)
        if response.status_code == 404:
            assert response.json()["error"] == "not_found"
    for path in LISTS:
        response = attacker.get(path)
        if who == "look-along":
            continue  # the client's own view: it may, by design, show the client's data
        assert response.status_code in (200, 403), (who, path)
        text = json.dumps(response.json())
        assert not any(secret in text for secret in secrets_of_a), (who, path)
    if who == "look-along":
        seen = attacker.get(f"/dossiers/{world['dossier']['id']}")
        assert seen.status_code == 200  # what the client sees, read-only


def test_after_all_attempts_nothing_of_office_a_changed(world):
    for who in world["attackers"]:
        test_no_leak_and_no_change(world, who)
    owner, company = world["owner_a"], world["company"]
    assert owner.get(f"/clients/{company['id']}").json()["name"] == "Geheim BV"
    assert owner.get(f"/dossiers/{world['dossier']['id']}").json()["status"] == "in_progress"
    assert [
        a["status"]
        for a in owner.get("/mortgage-applications?status=all").json()["items"]
        if a["id"] == world["application"]["id"]
    ] == ["running"]
    assert len(owner.get(f"/clients/{company['id']}/products").json()["items"]) == 1
    assert owner.get(f"/clients/{company['id']}/invitation").json()["status"] == "accepted"
    assert (
        owner.get(f"/clients/{world['other_client']['id']}/invitation").json()["status"]
        == "not_invited"
    )
    assert world["main"].get("/me/consents").json()["items"][0]["shared"] is True
    assert [a["id"] for a in world["main"].get("/me/accounts").json()["items"]] == [
        world["extra"]["id"]
    ]
    assert (
        len([c for c in owner.get("/clients").json()["items"] if c["office_id"] == world["a"].id])
        == 2
    )
