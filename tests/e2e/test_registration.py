"""docs/api.md "App registration (device binding) and approval", with real Ed25519 keys."""

import pytest

from .conftest import text_of, unique_email
from .staff_app import CODE_SUBJECT, App, Office


@pytest.fixture
def owner(office):
    person = office.add(office.admin, "owner")
    return person, office.register(person, office.admin)[1]


def test_registration_end_to_end_with_access_on_the_next_request(kluis, office):
    person = office.add(office.admin, "owner", name="Bert Eigenaar")
    app = App(kluis)
    started = app.start()
    assert started.status_code == 201
    assert {k: v for k, v in started.json().items() if k != "id"} == {
        "status": "started",
        "display_name": "adviseur1",
        "attempts_left": 3,
    }
    sent = app.identify(office.partner_id, email=person["email"].upper())
    assert sent.json() == {"status": "code_sent", "channel": "email"}
    assert (
        app.verify(
            "000000" if app.code_from_mail(person["email"]) != "000000" else "111111"
        ).status_code
        == 422
    )
    assert app.verify(app.code_from_mail(person["email"])).json() == {"status": "awaiting_approval"}
    assert "challenge" not in app.state()
    assert app.complete(signature=app.sign("x")).status_code == 409  # not approved yet
    queue = office.admin.get(f"/offices/{office.id}/registration-requests").json()["items"]
    assert [(r["id"], r["role"], r["name"]) for r in queue] == [
        (app.registration_id, "owner", "Bert Eigenaar")
    ]
    assert office.admin.post(f"/registrations/{app.registration_id}/approve").status_code == 204
    approved_mail = kluis.mail.wait_for(person["email"], subject="afronden")[-1]
    assert "afronden" in approved_mail["Subject"]
    state = app.state()
    assert state["status"] == "approved" and len(state["challenge"]) >= 32
    wrong = app.complete(signature=App(kluis).sign(state["challenge"]))  # another key
    assert wrong.status_code == 401 and wrong.json()["error"] == "invalid_signature"
    done = app.complete()
    assert done.status_code == 200 and {"device_id", "token"} <= set(done.json())
    client = kluis.client(done.json()["token"])
    assert client.get(f"/offices/{office.id}/staff").status_code == 200  # at once
    assert app.state()["status"] == "completed"
    assert app.complete().status_code == 409  # once


def test_old_app_versions_get_426(strict_kluis):
    for platform, os_version, app_version in (
        ("ios", "16.1", "3.1.0"),
        ("android", "11", "3.1.0"),
        ("ios", "17.0", "3.0.9"),
    ):
        response = App(strict_kluis, platform, os_version, app_version).start()
        assert response.status_code == 426, (platform, os_version, app_version)
        assert response.json()["error"] == "client_version_unsupported"
    assert App(strict_kluis, "ios", "16.10", "3.0.10").start().status_code == 201
    assert App(strict_kluis, "android", "12", "4").start().status_code == 201


def test_bad_device_data_is_400(kluis):
    app = App(kluis)
    for device in (
        {**app.device, "public_key": "bm90IGEga2V5IGF0IGFsbCwgbm90IGF0IGFsbA=="},
        {**app.device, "platform": "symbian"},
        {**app.device, "os_version": "17; drop"},
        {k: v for k, v in app.device.items() if k != "name"},
    ):
        response = kluis.client().post("/registrations", json={"device": device})
        assert response.status_code == 400, device


def test_three_misses_lock_the_registration_and_deleting_starts_over(kluis, office):
    person = office.add(office.admin, "owner")
    app = App(kluis)
    app.start()
    first = app.identify(office.partner_id, email=unique_email())
    assert first.status_code == 422
    assert first.json()["error"] == "unknown_combination"
    assert first.json()["details"] == {"attempts_left": 2}
    assert app.identify("DP-NOPE", email=person["email"]).json()["details"] == {"attempts_left": 1}
    third = app.identify(office.partner_id, mobile="0612345678")
    assert third.status_code == 423 and third.json()["error"] == "registration_locked"
    again = app.identify(office.partner_id, email=person["email"])  # even the right one
    assert again.status_code == 423
    assert app.state()["status"] == "locked"
    assert kluis.client().delete(f"/registrations/{app.registration_id}").status_code == 204
    assert kluis.client().get(f"/registrations/{app.registration_id}").status_code == 404
    fresh = App(kluis)
    fresh.start()
    assert fresh.identify(office.partner_id, email=person["email"]).status_code == 200
    # The fresh registration's code is mailed after anything the locked one could have
    # sent: once it is here, it is the only code e-mail (the locked one mailed nothing).
    assert fresh.verify(fresh.code_from_mail(person["email"])).status_code == 200
    assert len(kluis.mail.messages(person["email"], subject=CODE_SUBJECT)) == 1


def other_code(code):
    """A well-formed 6-digit code that is not `code`."""
    return f"{(int(code) + 1) % 10**6:06d}"


def test_five_wrong_codes_lock_the_registration_even_for_the_right_code(kluis, office):
    person = office.add(office.admin, "owner")
    app = App(kluis)
    app.start()
    assert app.identify(office.partner_id, email=person["email"]).status_code == 200
    code = app.code_from_mail(person["email"])
    answers = [app.verify(other_code(code)) for _ in range(5)]
    assert [(a.status_code, a.json()["error"]) for a in answers] == [(422, "invalid_code")] * 4 + [
        (423, "registration_locked")
    ]
    right = app.verify(code)
    assert (right.status_code, right.json()["error"]) == (423, "registration_locked")
    assert app.state()["status"] == "locked"


def test_a_code_by_sms_when_identified_by_mobile(kluis, office):
    person = office.add(office.admin, "owner", mobile="06 87654321")
    app = App(kluis)
    app.start()
    sent = app.identify(office.partner_id, mobile="+31 6 8765 4321")
    assert sent.json() == {"status": "code_sent", "channel": "sms"}
    code = kluis.sms_code("+31687654321")
    assert app.verify(code).status_code == 200
    assert app.verify(code).status_code == 409  # single use: the step is done
    assert kluis.mail.messages(person["email"], subject=CODE_SUBJECT) == []


def test_the_right_approver_per_role(kluis, office, owner):
    _person, owner_client = owner
    manager = office.add(owner_client, "staff_manager")
    _app, manager_client = office.register(manager, owner_client)
    for role, may, may_not in (
        ("staff_manager", owner_client, manager_client),
        ("staff", manager_client, office.admin),
    ):
        person = office.add(owner_client, role)
        app = App(kluis)
        app.start()
        app.identify(office.partner_id, email=person["email"])
        app.verify(app.code_from_mail(person["email"]))
        refused = may_not.post(f"/registrations/{app.registration_id}/approve")
        assert refused.status_code == 403, role
        queue = may.get(f"/offices/{office.id}/registration-requests").json()["items"]
        assert app.registration_id in [r["id"] for r in queue]
        assert app.registration_id not in [
            r["id"]
            for r in may_not.get(f"/offices/{office.id}/registration-requests").json()["items"]
        ]
        assert may.post(f"/registrations/{app.registration_id}/approve").status_code == 204
    outsider = Office(kluis, office.admin)
    _app, stranger = outsider.staffed("owner")
    person = office.add(owner_client, "staff")
    app = App(kluis)
    app.start()
    app.identify(office.partner_id, email=person["email"])
    app.verify(app.code_from_mail(person["email"]))
    assert stranger.post(f"/registrations/{app.registration_id}/approve").status_code == 404
    assert stranger.get(f"/offices/{office.id}/registration-requests").status_code == 404


def test_a_rejection_is_mailed_and_final(kluis, office, owner):
    _person, owner_client = owner
    person = office.add(owner_client, "staff")
    app = App(kluis)
    app.start()
    app.identify(office.partner_id, email=person["email"])
    app.verify(app.code_from_mail(person["email"]))
    assert (
        owner_client.post(f"/registrations/{app.registration_id}/reject", json={}).status_code
        == 400
    )
    assert (
        owner_client.post(
            f"/registrations/{app.registration_id}/reject", json={"reason": "Onbekend toestel"}
        ).status_code
        == 204
    )
    mail = kluis.mail.wait_for(person["email"], subject="afgewezen")[-1]
    assert "afgewezen" in mail["Subject"] and "Onbekend toestel" in text_of(mail)
    assert app.state()["status"] == "rejected"
    assert owner_client.post(f"/registrations/{app.registration_id}/approve").status_code == 409
    assert app.complete(signature=app.sign("x")).status_code == 409
    audit = owner_client.get(f"/offices/{office.id}/audit").json()["items"]
    assert any(
        e["action"] == "registration_rejected" and e["object"]["id"] == app.registration_id
        for e in audit
    )


def test_a_code_mail_holds_its_code_once_as_the_only_six_digit_number(kluis, office):
    import re

    person = office.add(office.admin, "owner")
    app = App(kluis)
    app.start()
    app.identify(office.partner_id, email=person["email"])
    mail = kluis.mail.wait_for(person["email"], subject=CODE_SUBJECT)[0]
    raw = mail.as_bytes().decode("utf-8", "replace")
    body = raw.split("\n\n", 1)[1]
    codes = re.findall(r"(?<!\d)\d{6}(?!\d)", body)
    assert len(codes) == 1 and app.verify(codes[0]).status_code == 200
