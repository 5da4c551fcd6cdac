"""docs/api.md device and app-login rows of "Authentication and sessions", and /me/devices."""

import time
from datetime import UTC, datetime

from .staff_app import App, Office


def test_device_challenge_response_login(kluis):
    office = Office(kluis, kluis.admin())
    app, _client = office.staffed("owner")
    signed_in = app.login()
    assert signed_in.status_code == 200
    client = kluis.client(signed_in.json()["token"])
    assert client.get(f"/offices/{office.id}/staff").status_code == 200

    challenge = (
        kluis.client().post("/auth/device/challenge", json={"device_id": app.device_id}).json()
    )
    assert challenge["expires_in"] > 0
    stranger = App(kluis)
    wrong = kluis.client().post(
        "/auth/device/login",
        json={
            "device_id": app.device_id,
            "challenge": challenge["challenge"],
            "signature": stranger.sign(challenge["challenge"]),
        },
    )
    assert wrong.status_code == 401 and wrong.json()["error"] == "invalid_signature"
    replay = kluis.client().post(
        "/auth/device/login",
        json={
            "device_id": app.device_id,
            "challenge": challenge["challenge"],
            "signature": app.sign(challenge["challenge"]),
        },
    )
    assert replay.status_code == 401  # the challenge was spent by the wrong attempt
    made_up = kluis.client().post(
        "/auth/device/login",
        json={
            "device_id": app.device_id,
            "challenge": "zelfbedacht",
            "signature": app.sign("zelfbedacht"),
        },
    )
    assert made_up.status_code == 401
    unknown = kluis.client().post("/auth/device/challenge", json={"device_id": "onbekend"})
    assert unknown.status_code == 404


def test_web_login_on_a_pc_approved_in_the_app(kluis):
    office = Office(kluis, kluis.admin())
    app, _client = office.staffed("owner")
    pc = kluis.client()
    started = pc.post("/auth/app-login")
    assert started.status_code == 200
    login = started.json()
    assert len(login["pairing_code"]) >= 6 and login["expires_in"] > 0
    token_path = f"/auth/app-login/{login['login_id']}/token"
    secret = {"poll_secret": login["poll_secret"]}
    assert pc.post(token_path, json=secret).status_code == 202
    # Whoever learns the id (or the code) but not the browser's secret gets nothing.
    assert kluis.client().post(token_path, json={"poll_secret": "geraden"}).status_code == 404
    assert kluis.client().post(token_path).status_code == 400
    approve_path = f"/auth/app-login/{login['login_id']}/approve"
    forged = kluis.client().post(
        approve_path,
        json={"device_id": app.device_id, "signature": App(kluis).sign(login["pairing_code"])},
    )
    assert forged.status_code == 401
    assert pc.post(token_path, json=secret).status_code == 202
    assert (
        kluis.client()
        .post(
            approve_path,
            json={"device_id": app.device_id, "signature": app.sign(login["pairing_code"])},
        )
        .status_code
        == 204
    )
    assert kluis.client().post(token_path, json={"poll_secret": "geraden"}).status_code == 404
    handed = pc.post(token_path, json=secret)
    assert handed.status_code == 200
    web = kluis.client(handed.json()["token"])
    assert web.get("/me").json()["offices"][0]["id"] == office.id
    once = pc.post(token_path, json=secret)
    assert once.status_code == 410 and once.json()["error"] == "token_used"
    assert kluis.client().post("/auth/app-login/onbekend/token", json=secret).status_code == 404


def test_people_see_and_unbind_their_devices(kluis):
    office = Office(kluis, kluis.admin())
    person = office.add(office.admin, "owner")
    app, client = office.register(person, office.admin)
    devices = client.get("/me/devices").json()["items"]
    assert [(d["id"], d["platform"], d["name"]) for d in devices] == [
        (app.device_id, "ios", "iPhone van test")
    ]
    other = kluis.client(kluis.login(kluis.create_client(), "Klant-Wachtwoord-7"))
    assert other.delete(f"/me/devices/{app.device_id}").status_code == 404
    assert client.delete(f"/me/devices/{app.device_id}").status_code == 204
    assert client.get("/me").status_code == 401  # its sessions ended with it
    unbound = kluis.client().post("/auth/device/challenge", json={"device_id": app.device_id})
    assert unbound.status_code == 404  # no sign-in with an unbound device
    again, new_client = office.register(person, office.admin, count=2)  # a new phone: code 2
    assert new_client.get("/me/devices").json()["items"][0]["id"] == again.device_id


def test_staff_sessions_obey_the_idle_timeout(pg_kluis):
    office = Office(pg_kluis, pg_kluis.admin())
    app, client = office.staffed("owner")
    state = client.get("/auth/session").json()
    while datetime.now(UTC) <= datetime.fromisoformat(state["expires_at"]):
        time.sleep(0.2)  # waiting for the clock, not timing anything
    expired = client.get(f"/offices/{office.id}/staff")
    assert expired.status_code == 401 and expired.json()["error"] == "session_expired"
    assert app.login().status_code == 200


def test_an_unapproved_web_login_expires(kluis):
    import sqlite3

    office = Office(kluis, kluis.admin())
    app, _client = office.staffed("owner")
    login = kluis.client().post("/auth/app-login").json()
    with sqlite3.connect(kluis.system.var / "identity.db") as db:  # five minutes pass
        db.execute(
            "UPDATE app_logins SET expires_at = '2000-01-01 00:00:00' WHERE id = ?",
            (login["login_id"],),
        )
    late = kluis.client().post(
        f"/auth/app-login/{login['login_id']}/approve",
        json={"device_id": app.device_id, "signature": app.sign(login["pairing_code"])},
    )
    assert late.status_code == 410 and late.json()["error"] == "token_expired"
    token = kluis.client().post(
        f"/auth/app-login/{login['login_id']}/token", json={"poll_secret": login["poll_secret"]}
    )
    assert token.status_code == 410 and token.json()["error"] == "token_expired"
