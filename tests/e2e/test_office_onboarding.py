"""Nobody is left guessing (issue #13): a person added as staff is told which office,
its partner ID and where the app is; approvers are told that a registration waits; and
the app sees which browser asks before it approves a sign-in on a PC, or refuses it."""

from tests.systems import ADMIN_EMAIL, text_of

from .staff_app import CODE_SUBJECT, STAFF_ADDED, App, Office

WAITING = "Een registratie wacht op uw goedkeuring"


def test_a_person_added_as_staff_is_told_the_office_its_partner_id_and_the_app(kluis):
    office = Office(kluis, kluis.admin())
    person = office.add(office.admin, "owner", name="Olga Eigenaar")
    mail = kluis.mail.wait_for(person["email"], subject=STAFF_ADDED)[0]
    text = text_of(mail)
    assert f"Hypotheekhuis {office.partner_id}" in mail["Subject"]
    assert office.partner_id in text and "eigenaar" in text
    assert kluis.system.env["KLUIS_PUBLIC_URL"].rstrip("/") + "/app" in text


def test_approvers_are_told_that_a_registration_waits_for_them(kluis):
    office = Office(kluis, kluis.admin())
    before = len(kluis.mail.messages(ADMIN_EMAIL, subject=WAITING))
    _owner_app, owner = office.staffed("owner")  # the admin approves owners
    waiting = kluis.mail.wait_for(ADMIN_EMAIL, count=before + 1, subject=WAITING)[-1]
    assert f"Hypotheekhuis {office.partner_id}" in text_of(waiting)
    assert "eigenaar" in text_of(waiting)
    owner_email = owner.get("/me").json()["email"]
    manager = office.add(owner, "staff_manager", name="Mees Beheerder")
    office.register(manager, owner)
    colleague = office.add(owner, "staff", name="Sam Medewerker")
    app = App(kluis)
    app.start()
    app.identify(office.partner_id, email=colleague["email"])
    app.verify(app.code_from_mail(colleague["email"]))
    # owners and staff managers, for staff (the owner was told of the manager first)
    for approver, count in ((owner_email, 2), (manager["email"], 1)):
        told = kluis.mail.wait_for(approver, count=count, subject=WAITING)[count - 1]
        assert "Sam Medewerker" in text_of(told)
    assert kluis.mail.messages(colleague["email"], subject=WAITING) == []


def test_the_app_sees_who_asks_before_it_approves_and_can_refuse(kluis):
    office = Office(kluis, kluis.admin())
    app, _client = office.staffed("owner")
    pc = kluis.client()
    asked = pc.post(
        "/auth/app-login", headers={"User-Agent": "Mozilla/5.0 (Windows NT 10.0) Firefox/140.0"}
    ).json()
    code = asked["pairing_code"]
    typed = f"{code[:4].lower()} - {code[4:].lower()}"  # as people type it on a phone
    seen = app.client.post(
        "/auth/app-login/lookup",
        json={"device_id": app.device_id, "pairing_code": typed, "signature": app.sign(code)},
    )
    assert seen.status_code == 200, seen.text
    assert seen.json()["login_id"] == asked["login_id"]
    assert "Firefox/140.0" in seen.json()["user_agent"]
    assert seen.json()["source_ip"] == "127.0.0.1" and seen.json()["started_at"]
    forged = app.client.post(
        "/auth/app-login/lookup",
        json={"device_id": app.device_id, "pairing_code": code, "signature": App(kluis).sign(code)},
    )
    assert forged.status_code == 401 and forged.json()["error"] == "invalid_signature"
    unknown = app.client.post(
        "/auth/app-login/lookup",
        json={
            "device_id": app.device_id,
            "pairing_code": "ZZZZ2222",
            "signature": app.sign("ZZZZ2222"),
        },
    )
    assert unknown.status_code == 404

    refused = app.client.post(
        f"/auth/app-login/{asked['login_id']}/refuse",
        json={"device_id": app.device_id, "signature": app.sign(code)},
    )
    assert refused.status_code == 204
    claim = pc.post(
        f"/auth/app-login/{asked['login_id']}/token", json={"poll_secret": asked["poll_secret"]}
    )
    assert claim.status_code == 410 and claim.json()["error"] == "login_refused"
    gone = app.client.post(
        "/auth/app-login/lookup",
        json={"device_id": app.device_id, "pairing_code": code, "signature": app.sign(code)},
    )
    assert gone.status_code == 404  # refused: no longer pending

    again = pc.post("/auth/app-login").json()
    assert (
        app.client.post(
            f"/auth/app-login/{again['login_id']}/approve",
            json={"device_id": app.device_id, "signature": app.sign(again["pairing_code"])},
        ).status_code
        == 204
    )
    token = pc.post(
        f"/auth/app-login/{again['login_id']}/token", json={"poll_secret": again["poll_secret"]}
    )
    assert token.status_code == 200 and token.json()["token"]
    assert kluis.mail.messages(ADMIN_EMAIL, subject=CODE_SUBJECT) == []
