"""What a careless or hostile caller tries against sign-in, registration and the app:
each gets a clear answer and changes nothing it should not."""

import eventlet

from .conftest import CLIENT_PASSWORD, link_token, unique_email
from .staff_app import CODE_SUBJECT, STAFF_ADDED, App, Office


def test_another_office_cannot_redirect_a_persons_codes(kluis):
    admin = kluis.admin()
    first, second = Office(kluis, admin), Office(kluis, admin)
    person = first.add(admin, "owner")
    _app, rival = second.staffed("owner")
    asked = second.add(rival, "staff", email_address=person["email"], mobile="06 11112222")
    # Only asked (the person confirms by e-mail): the answer is what the rival typed.
    assert asked["person_id"] != person["person_id"] and asked["mobile"] == "+31611112222"
    app = App(kluis)
    app.start()
    miss = app.identify(second.partner_id, mobile="06 11112222")
    assert miss.status_code == 422  # the number was never recorded for that person


def test_a_junk_mobile_is_a_miss_not_a_match(kluis):
    office = Office(kluis, kluis.admin())
    office.add(office.admin, "owner")  # recorded without a mobile
    app = App(kluis)
    app.start()
    for junk in ("x", "0000000000", "+31 6"):
        response = app.identify(office.partner_id, mobile=junk)
        assert response.status_code in (422, 423), junk
    assert app.state()["status"] == "locked"


def test_one_code_per_registration_and_a_limit_per_person(kluis):
    office = Office(kluis, kluis.admin())
    person = office.add(office.admin, "owner")
    app = App(kluis)
    app.start()
    assert app.identify(office.partner_id, email=person["email"]).status_code == 200
    again = app.identify(office.partner_id, email=person["email"])
    assert again.status_code == 409 and again.json()["error"] == "wrong_state"
    for _ in range(4):
        other = App(kluis)
        other.start()
        assert other.identify(office.partner_id, email=person["email"]).status_code == 200
    flood = App(kluis)
    flood.start()
    limited = flood.identify(office.partner_id, email=person["email"])
    assert limited.status_code == 429 and "Retry-After" in limited.headers
    assert len(kluis.mail.wait_for(person["email"], count=5, subject=CODE_SUBJECT)) == 5


def test_misses_are_limited_per_registration_and_per_source_not_per_partner_id(strict_kluis):
    office = Office(strict_kluis, strict_kluis.admin())
    person = office.add(office.admin, "owner")
    first = App(strict_kluis)
    first.start()
    answers = [
        first.identify(written, email=unique_email()).status_code
        for written in (
            office.partner_id.lower(),
            " " + office.partner_id,
            office.partner_id.capitalize(),
        )
    ]
    assert answers == [422, 422, 423]  # three misses lock the registration
    second = App(strict_kluis)
    second.start()
    assert second.identify(office.partner_id, email=unique_email()).status_code == 422
    limited = second.identify(office.partner_id, email=person["email"])
    assert limited.status_code == 429 and limited.json()["error"] == "rate_limited"
    assert int(limited.headers["Retry-After"]) > 0
    elsewhere = Office(strict_kluis, office.admin)  # the same source address, another office
    colleague = elsewhere.add(office.admin, "owner")
    third = App(strict_kluis)
    third.start()
    assert third.identify(elsewhere.partner_id, email=colleague["email"]).status_code == 429
    # The misses were somebody else's: the office's own people still register, from
    # their own address (an attacker's misses never lock a partner ID).
    staff_member = App(strict_kluis, source="127.0.0.2")
    staff_member.start()
    assert staff_member.identify(office.partner_id, email=person["email"]).status_code == 200
    # Mailed after anything the refused calls could have sent, this code is the only one.
    code = staff_member.code_from_mail(person["email"])
    assert len(strict_kluis.mail.messages(person["email"], subject=CODE_SUBJECT)) == 1
    assert staff_member.verify(code).status_code == 200


def test_concurrent_use_of_single_use_things_succeeds_once(pg_kluis):
    office = Office(pg_kluis, pg_kluis.admin())
    app, _client = office.staffed("owner")
    challenge = (
        pg_kluis.client()
        .post("/auth/device/challenge", json={"device_id": app.device_id})
        .json()["challenge"]
    )
    body = {"device_id": app.device_id, "challenge": challenge, "signature": app.sign(challenge)}
    pool = eventlet.GreenPool(8)
    codes = list(
        pool.imap(
            lambda _: pg_kluis.client().post("/auth/device/login", json=body).status_code, range(8)
        )
    )
    assert sorted(codes) == [200] + [401] * 7

    login = pg_kluis.client().post("/auth/app-login").json()
    pg_kluis.client().post(
        f"/auth/app-login/{login['login_id']}/approve",
        json={"device_id": app.device_id, "signature": app.sign(login["pairing_code"])},
    )
    path = f"/auth/app-login/{login['login_id']}/token"
    secret = {"poll_secret": login["poll_secret"]}
    codes = list(
        pool.imap(lambda _: pg_kluis.client().post(path, json=secret).status_code, range(8))
    )
    assert sorted(codes) == [200] + [410] * 7


def test_staff_accounts_cannot_be_locked_by_password_guessing(kluis):
    office = Office(kluis, kluis.admin())
    person = office.add(office.admin, "owner")
    for _ in range(11):
        kluis.client().post(
            "/auth/login", json={"email": person["email"], "password": "Raad-Maar-123"}
        )
    kluis.client().post("/auth/password/forgot", json={"email": person["email"]})
    app = App(kluis)
    app.start()
    app.identify(office.partner_id, email=person["email"])
    kluis.mail.wait_for(person["email"], subject=CODE_SUBJECT)
    subjects = [m["Subject"] for m in kluis.mail.messages(person["email"])]
    assert len(subjects) == 2 and STAFF_ADDED in subjects[0]  # no lock, no reset
    assert subjects[1] == CODE_SUBJECT


def test_an_app_login_approved_by_a_device_since_unbound_is_not_handed_out(kluis):
    office = Office(kluis, kluis.admin())
    app, client = office.staffed("owner")
    login = kluis.client().post("/auth/app-login").json()
    kluis.client().post(
        f"/auth/app-login/{login['login_id']}/approve",
        json={"device_id": app.device_id, "signature": app.sign(login["pairing_code"])},
    )
    assert client.delete(f"/me/devices/{app.device_id}").status_code == 204
    late = kluis.client().post(
        f"/auth/app-login/{login['login_id']}/token", json={"poll_secret": login["poll_secret"]}
    )
    assert late.status_code == 410


def test_a_reset_spends_every_open_reset_link(kluis):
    address = kluis.create_client()
    for count in (1, 2):
        kluis.client().post("/auth/password/forgot", json={"email": address})
        kluis.mail.wait_for(address, count=count)
    first, second = [link_token(m) for m in kluis.mail.messages(address)]
    assert (
        kluis.client()
        .post("/auth/password/reset", json={"token": second, "password": "Nieuw-Sterk-55"})
        .status_code
        == 204
    )
    stale = kluis.client().post(
        "/auth/password/reset", json={"token": first, "password": "Ander-Sterk-66"}
    )
    assert stale.status_code == 410 and stale.json()["error"] == "token_used"
    assert (
        kluis.client()
        .post("/auth/login", json={"email": address, "password": CLIENT_PASSWORD})
        .status_code
        == 401
    )
