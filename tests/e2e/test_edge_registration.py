"""Issue #14 at the anonymous doors of identity: starting registrations and PC sign-ins
(rows for anyone, limited per source address and swept when never finished), misses on
an office's partner ID (which must not lock its people out), a phished PC sign-in, and an
office adding another office's person by e-mail. Each source address is one of
127.0.0.0/8, all of which reach the system on 127.0.0.1."""

import time

import pytest

from .conftest import Kluis, link_token, start_system, unique_email
from .staff_app import STAFF_ADDED, App, Office, from_address

CHROME_ON_WINDOWS = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 "
    "(KHTML, like Gecko) Chrome/124.0 Safari/537.36"
)
LINK_SUBJECT = "wil u toevoegen aan Kluis"


@pytest.fixture(scope="module")
def edge_kluis(tmp_path_factory, vhosts):
    """Small limits and short lifetimes: three starts per address, four misses per
    address an hour, ten misses per partner ID a minute (so a six-second wait), and
    unfinished registrations and PC sign-ins gone after 30 seconds."""
    system = start_system(
        tmp_path_factory,
        vhosts,
        "edge",
        REGISTRATIONS_PER_ADDRESS="3",
        APP_LOGINS_PER_ADDRESS="3",
        IDENTIFY_MISSES_PER_HOUR="4",
        IDENTIFY_MISSES_PER_PARTNER="10",
        REGISTRATION_LIFETIME_S="30",
        APP_LOGIN_VALIDITY_S="30",
        IDENTITY_SWEEP_INTERVAL_S="1",
    )
    yield Kluis(system)
    system.stop_all()


def _limited(response):
    assert response.status_code == 429, response.text
    assert response.json()["error"] == "rate_limited"
    return int(response.headers["Retry-After"])


def test_starting_registrations_is_limited_per_source_address(edge_kluis):
    apps = [App(edge_kluis, source="127.0.2.1") for _ in range(4)]
    assert [app.start().status_code for app in apps[:3]] == [201] * 3
    assert _limited(apps[3].start()) > 0
    assert apps[3].registration_id is None  # nothing was started
    assert App(edge_kluis, source="127.0.2.2").start().status_code == 201


def test_starting_pc_sign_ins_is_limited_per_source_address(edge_kluis):
    pc = from_address(edge_kluis.client(), "127.0.3.1")
    assert [pc.post("/auth/app-login").status_code for _ in range(3)] == [200] * 3
    assert _limited(pc.post("/auth/app-login")) > 0
    other = from_address(edge_kluis.client(), "127.0.3.2")
    assert other.post("/auth/app-login").status_code == 200


def test_unfinished_registrations_and_expired_pc_sign_ins_are_deleted(edge_kluis):
    app = App(edge_kluis, source="127.0.4.1")
    assert app.start().status_code == 201
    pc = from_address(edge_kluis.client(), "127.0.4.2")
    login = pc.post("/auth/app-login").json()
    token_path = f"/auth/app-login/{login['login_id']}/token"
    assert pc.post(token_path, json={"poll_secret": login["poll_secret"]}).status_code == 202
    deadline = time.monotonic() + 90  # lifetimes of 30 s, swept every second
    while time.monotonic() < deadline and (
        app.client.get(f"/registrations/{app.registration_id}").status_code != 404
        or pc.post(token_path, json={"poll_secret": login["poll_secret"]}).status_code != 404
    ):
        time.sleep(0.5)
    assert app.client.get(f"/registrations/{app.registration_id}").status_code == 404
    assert pc.post(token_path, json={"poll_secret": login["poll_secret"]}).status_code == 404


def test_misses_on_a_partner_id_slow_it_down_but_never_lock_its_staff_out(edge_kluis):
    office = Office(edge_kluis, edge_kluis.admin())
    person = office.add(office.admin, "owner")
    attacker = [App(edge_kluis, source="127.0.5.1") for _ in range(3)]
    for app in attacker:
        assert app.start().status_code == 201
    misses = [attacker[0].identify(office.partner_id, email=unique_email()) for _ in range(3)]
    assert [m.status_code for m in misses] == [422, 422, 423]  # three lock a registration
    assert attacker[1].identify(office.partner_id, email=unique_email()).status_code == 422
    assert _limited(attacker[2].identify(office.partner_id, email=unique_email())) > 600
    # From ever new addresses, one miss each, the partner ID however written: its own
    # bucket empties, and then asks for a few seconds' wait, no more.
    for n in range(2, 40):
        app = App(edge_kluis, source=f"127.0.5.{n}")
        assert app.start().status_code == 201
        written = (office.partner_id.lower(), " " + office.partner_id, office.partner_id)[n % 3]
        response = app.identify(written, email=unique_email())
        if response.status_code != 422:
            break
    assert n < 20 and _limited(response) <= 10
    staff_member = App(edge_kluis, source="127.0.6.1")
    assert staff_member.start().status_code == 201
    response = staff_member.identify(office.partner_id, email=person["email"])
    if response.status_code == 429:  # still slowed down: the client honours Retry-After
        time.sleep(_limited(response))
        response = staff_member.identify(office.partner_id, email=person["email"])
    assert response.status_code == 200, response.text
    assert staff_member.verify(staff_member.code_from_mail(person["email"])).status_code == 200


def test_the_app_sees_where_a_pc_sign_in_comes_from_and_only_that_pc_gets_the_session(edge_kluis):
    office = Office(edge_kluis, edge_kluis.admin())
    app, _client = office.staffed("owner")
    pc = from_address(edge_kluis.client(), "127.0.7.9")
    pc.session.headers["User-Agent"] = CHROME_ON_WINDOWS
    login = pc.post("/auth/app-login").json()
    code = login["pairing_code"]
    lookup = {"pairing_code": code, "device_id": app.device_id, "signature": app.sign(code)}
    elsewhere = from_address(edge_kluis.client(), "127.0.8.20").post(
        "/auth/app-login/lookup", json=lookup
    )
    assert elsewhere.status_code == 200, elsewhere.text
    seen = elsewhere.json()
    assert (seen["user_agent"], seen["platform"]) == (CHROME_ON_WINDOWS, "Windows")
    assert (seen["source_ip"], seen["source_network"]) == ("127.0.7.9", "127.0.7.0/24")
    assert seen["same_network"] is False and seen["started_at"]
    nearby = from_address(edge_kluis.client(), "127.0.7.30").post(
        "/auth/app-login/lookup", json=lookup
    )
    assert nearby.json()["same_network"] is True
    assert (
        edge_kluis.client()
        .post(
            f"/auth/app-login/{login['login_id']}/approve",
            json={"device_id": app.device_id, "signature": app.sign(code)},
        )
        .status_code
        == 204
    )
    # Whoever passed the QR code on knows the login id and the code, not the PC's secret.
    phisher = from_address(edge_kluis.client(), "127.0.8.21")
    token_path = f"/auth/app-login/{login['login_id']}/token"
    bare = phisher.post(token_path)
    assert bare.status_code == 400 and "token" not in bare.json()
    other_secret = phisher.post("/auth/app-login").json()["poll_secret"]
    for secret in ("", "geraden", code, login["login_id"], other_secret):
        refused = phisher.post(token_path, json={"poll_secret": secret})
        assert refused.status_code in (400, 404) and "token" not in refused.json(), secret
    signed_in = pc.post(token_path, json={"poll_secret": login["poll_secret"]})
    assert signed_in.status_code == 200 and signed_in.json()["token"]


# -- an office adding a person who works elsewhere ------------------------------------
def _emails(kluis, address, subject):
    return kluis.mail.messages(address, subject=subject)


def test_an_office_asking_for_anothers_person_learns_nothing_until_they_confirm(kluis):
    admin = kluis.admin()
    first, second = Office(kluis, admin), Office(kluis, admin)
    person = first.add(admin, "owner", name="Olga Eigenaar", mobile="06 22223333")
    _app, rival = second.staffed("owner")
    asked = second.add(rival, "staff", email_address=person["email"], name="Wie Dan Ook")
    stranger = second.add(rival, "staff", name="Wie Dan Ook")  # somebody new, for comparison
    assert asked == {**stranger, "person_id": asked["person_id"], "email": person["email"]}
    assert asked["person_id"] != person["person_id"]
    assert (asked["mobile"], asked["registration"]) == (None, "not_registered")
    listed = {p["person_id"]: p for p in rival.get(f"/offices/{second.id}/staff").json()["items"]}
    assert listed[asked["person_id"]] == asked and person["person_id"] not in listed
    assert rival.get(f"/offices/{first.id}/staff").status_code == 404
    again = rival.post(
        f"/offices/{second.id}/staff", json={"name": "X", "email": person["email"], "role": "staff"}
    )
    assert again.status_code == 409 and again.json()["error"] == "already_member"
    # The person is asked, in an e-mail naming the office; nothing else happened.
    request = kluis.mail.wait_for(person["email"], subject=LINK_SUBJECT)[0]
    assert second.partner_id in request["Subject"]
    assert len(_emails(kluis, person["email"], STAFF_ADDED)) == 1  # by the admin, at first
    bad = kluis.client().post("/staff-links/confirm", json={"token": "geraden"})
    assert bad.status_code == 400 and bad.json()["error"] == "invalid_token"
    confirmed = kluis.client().post("/staff-links/confirm", json={"token": link_token(request)})
    assert confirmed.status_code == 200, confirmed.text
    assert confirmed.json() == {
        "office": {"name": f"Hypotheekhuis {second.partner_id}", "partner_id": second.partner_id},
        "role": "staff",
    }
    told = kluis.mail.wait_for(person["email"], count=2, subject=STAFF_ADDED)[1]
    assert second.partner_id in told["Subject"]
    listed = {p["person_id"]: p for p in rival.get(f"/offices/{second.id}/staff").json()["items"]}
    assert asked["person_id"] not in listed
    assert listed[person["person_id"]]["name"] == "Olga Eigenaar"  # now they work there
    used = kluis.client().post("/staff-links/confirm", json={"token": link_token(request)})
    assert used.status_code == 410 and used.json()["error"] == "token_used"


def test_another_offices_request_can_be_withdrawn_and_its_code_redirect_goes_nowhere(kluis):
    admin = kluis.admin()
    first, second = Office(kluis, admin), Office(kluis, admin)
    person = first.add(admin, "owner")
    _app, rival = second.staffed("owner")
    asked = second.add(rival, "staff", email_address=person["email"], mobile="06 44445555")
    assert asked["mobile"] == "+31644445555"  # what the rival typed, nothing of the person
    app = App(kluis)
    app.start()
    assert app.identify(second.partner_id, mobile="06 44445555").status_code == 422
    assert app.identify(second.partner_id, email=person["email"]).status_code == 422
    path = f"/offices/{second.id}/staff/{asked['person_id']}"
    assert rival.patch(path, json={"role": "staff_manager"}).json()["role"] == "staff_manager"
    assert rival.delete(path).status_code == 204
    request = kluis.mail.wait_for(person["email"], subject=LINK_SUBJECT)[0]
    gone = kluis.client().post("/staff-links/confirm", json={"token": link_token(request)})
    assert gone.status_code == 400 and gone.json()["error"] == "invalid_token"
    listed = rival.get(f"/offices/{second.id}/staff").json()["items"]
    assert asked["person_id"] not in {p["person_id"] for p in listed}
    assert person["person_id"] not in {p["person_id"] for p in listed}


def test_a_firm_links_its_own_employee_to_its_other_office_at_once(kluis):
    admin = kluis.admin()
    main, branch = Office(kluis, admin), Office(kluis, admin)
    owner = main.add(admin, "owner")
    branch.add(admin, "owner", email_address=owner["email"])
    _app, owner_client = main.register(owner, admin)
    employee = main.add(owner_client, "staff", name="Eva Medewerker", mobile="06 55556666")
    linked = branch.add(owner_client, "staff", email_address=employee["email"], name="E.")
    assert linked["person_id"] == employee["person_id"]
    assert (linked["name"], linked["mobile"]) == ("Eva Medewerker", "+31655556666")
    told = kluis.mail.wait_for(employee["email"], count=2, subject=STAFF_ADDED)
    assert branch.partner_id in told[1]["Subject"]
    assert _emails(kluis, employee["email"], LINK_SUBJECT) == []
