"""docs/api.md "Authentication and sessions": password login, sessions with idle timeout,
logout, forgot and reset, lockout; all through HTTP."""

import hashlib
import sqlite3
import time
from datetime import UTC, datetime, timedelta

from .conftest import (
    ADMIN_EMAIL,
    ADMIN_PASSWORD,
    CLIENT_PASSWORD,
    link_token,
    text_of,
    unique_email,
)


def _when(text):
    return datetime.fromisoformat(text)


def test_login_session_extend_and_logout(any_kluis):
    response = any_kluis.client().post(
        "/auth/login", json={"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD}
    )
    assert response.status_code == 200
    body = response.json()
    assert len(body["token"]) >= 32 and body["warning_s"] < body["idle_timeout_s"]
    client = any_kluis.client(body["token"])

    first = client.get("/auth/session").json()
    second = client.get("/auth/session").json()
    assert first.pop("now") <= second.pop("now")  # the server's clock, for the browser's
    assert first == second  # looking does not extend
    assert _when(first["expires_at"]) - _when(first["warn_at"]) == timedelta(
        seconds=first["warning_s"]
    )
    extended = client.post("/auth/session/extend").json()
    assert _when(extended["expires_at"]) > _when(first["expires_at"])
    assert client.get("/me").json()["email"] == ADMIN_EMAIL

    assert client.post("/auth/logout").status_code == 204
    after = client.get("/me")
    assert after.status_code == 401 and after.json()["error"] == "unauthenticated"


def test_default_idle_timeout_and_warning(kluis):
    token = kluis.login(ADMIN_EMAIL, ADMIN_PASSWORD)
    state = kluis.client(token).get("/auth/session").json()
    assert (state["idle_timeout_s"], state["warning_s"]) == (600, 120)


def test_an_idle_session_expires(pg_kluis):
    client = pg_kluis.client(pg_kluis.login(ADMIN_EMAIL, ADMIN_PASSWORD), language="en")
    state = client.get("/auth/session").json()
    assert state["idle_timeout_s"] == 3
    while datetime.now(UTC) <= _when(state["expires_at"]):
        time.sleep(0.2)  # waiting for the clock, not timing anything
    expired = client.get("/me")
    assert expired.status_code == 401
    assert expired.json() == {
        "error": "session_expired",
        "details": {},
        "message": "Your session has expired. Please sign in again.",
    }
    assert client.post("/auth/session/extend").status_code == 401


def test_bad_bearer_tokens_are_401(kluis):
    for header in (
        "",
        "Bearer",
        "Bearer ",
        "Basic abc",
        "Bearer " + "x" * 43,
        "Bearer " + "y" * 600,
    ):
        response = kluis.client().get("/me", headers={"Authorization": header})
        assert response.status_code == 401, header
        assert response.json()["error"] == "unauthenticated"


def test_wrong_password_unknown_user_and_lock_answer_alike(kluis):
    address = kluis.create_client()
    client = kluis.client(language="en")

    def attempt(email_address, password):
        response = client.post("/auth/login", json={"email": email_address, "password": password})
        return response.status_code, response.json()

    wrong = attempt(address, "Wrong-Password-1")
    unknown = attempt(unique_email(), "Wrong-Password-1")
    assert (
        wrong
        == unknown
        == (
            401,
            {
                "error": "invalid_credentials",
                "details": {},
                "message": "The e-mail address or password is not correct.",
            },
        )
    )
    for _ in range(9):  # ten misses in a row, counting the one above
        assert attempt(address, "Wrong-Password-1")[0] == 401
    assert attempt(address, CLIENT_PASSWORD) == wrong  # locked: even the right password
    lock_mail = kluis.mail.wait_for(address)[0]
    assert "geblokkeerd" in lock_mail["Subject"]
    assert "15 minuten" in text_of(lock_mail)


def test_every_login_is_recorded_with_time_and_source(kluis):
    address = kluis.create_client()
    kluis.client().post(
        "/auth/login",
        json={"email": address, "password": "Nope-Nope-1"},
        headers={"User-Agent": "kluis-test/1"},
    )
    kluis.login(address, CLIENT_PASSWORD)
    attempts = kluis.admin().get("/admin/login-attempts?limit=200").json()["items"]
    mine = [a for a in attempts if a["email"] == address]
    assert [(a["success"], a["reason"]) for a in mine] == [(True, "ok"), (False, "wrong_password")]
    assert all(a["source_ip"] == "127.0.0.1" and a["at"] for a in mine)
    assert mine[1]["user_agent"] == "kluis-test/1"
    client = kluis.client(kluis.login(address, CLIENT_PASSWORD))
    assert client.get("/admin/login-attempts").status_code == 403


def test_forgot_and_reset_password(any_kluis):
    address = any_kluis.create_client(language="en")
    before = any_kluis.client(any_kluis.login(address, CLIENT_PASSWORD))
    forgot = any_kluis.client().post("/auth/password/forgot", json={"email": address.upper()})
    assert forgot.status_code == 202 and forgot.text == ""
    mail = any_kluis.mail.wait_for(address)[0]
    assert mail["Subject"] == "Set a new password for Kluis"
    token = link_token(mail)
    public_url = any_kluis.system.env["KLUIS_PUBLIC_URL"]
    assert f"{public_url}/reset-password?token={token}" in text_of(mail)

    client = any_kluis.client(language="en")
    weak = client.post("/auth/password/reset", json={"token": token, "password": "kort"})
    assert weak.status_code == 422 and weak.json()["error"] == "weak_password"
    assert set(weak.json()["details"]["rules"]) == {"min_length", "uppercase", "digit"}
    common = client.post("/auth/password/reset", json={"token": token, "password": "Welkom123"})
    assert common.json()["details"]["rules"] == ["common"]

    assert (
        client.post(
            "/auth/password/reset", json={"token": token, "password": "Nieuw-Sterk-42"}
        ).status_code
        == 204
    )
    assert before.get("/me").status_code == 401  # every session ended
    assert any_kluis.login(address, "Nieuw-Sterk-42")
    assert (
        client.post("/auth/login", json={"email": address, "password": CLIENT_PASSWORD}).status_code
        == 401
    )
    again = client.post("/auth/password/reset", json={"token": token, "password": "Ander-Sterk-43"})
    assert again.status_code == 410 and again.json()["error"] == "token_used"
    changed = any_kluis.mail.wait_for(address, count=2)[1]
    assert changed["Subject"] == "Your Kluis password was changed"


def test_forgot_for_an_unknown_address_answers_the_same_and_sends_nothing(kluis):
    address = unique_email("onbekend")
    response = kluis.client().post("/auth/password/forgot", json={"email": address})
    assert response.status_code == 202 and response.text == ""
    known = kluis.create_client()
    kluis.client().post("/auth/password/forgot", json={"email": known})
    kluis.mail.wait_for(known)  # the known one was sent, so the unknown one had its chance
    assert kluis.mail.messages(address) == []


def test_reset_links_expire_after_an_hour_and_bad_ones_are_refused(kluis):
    address = kluis.create_client()
    kluis.client().post("/auth/password/forgot", json={"email": address})
    token = link_token(kluis.mail.wait_for(address)[0])
    with sqlite3.connect(kluis.system.var / "identity.db") as db:  # an hour passes
        db.execute(
            "UPDATE password_resets SET expires_at = ? WHERE token_hash = ?",
            (
                (datetime.utcnow() - timedelta(seconds=1)).isoformat(" "),
                hashlib.sha256(token.encode()).hexdigest(),
            ),
        )
    client = kluis.client()
    expired = client.post(
        "/auth/password/reset", json={"token": token, "password": "Nieuw-Sterk-42"}
    )
    assert expired.status_code == 410 and expired.json()["error"] == "token_expired"
    assert kluis.login(address, CLIENT_PASSWORD)  # nothing changed
    bogus = client.post(
        "/auth/password/reset", json={"token": "bogus", "password": "Nieuw-Sterk-42"}
    )
    assert bogus.status_code == 400 and bogus.json()["error"] == "invalid_token"


def test_reset_mail_is_in_the_accounts_language(kluis):
    dutch = kluis.create_client(language="nl")
    kluis.client(language="en").post("/auth/password/forgot", json={"email": dutch})
    assert kluis.mail.wait_for(dutch)[0]["Subject"] == "Stel een nieuw wachtwoord in voor Kluis"


def test_no_password_token_or_code_reaches_the_logs(kluis):
    address = kluis.create_client()
    token = kluis.login(address, CLIENT_PASSWORD)
    kluis.client(token).get("/me")
    kluis.client().post("/auth/login", json={"email": address, "password": "Geheim-Fout-99"})
    kluis.client().post("/auth/password/forgot", json={"email": address})
    reset_token = link_token(kluis.mail.wait_for(address)[0])
    kluis.client().post(
        "/auth/password/reset", json={"token": reset_token, "password": "Nieuw-Geheim-77"}
    )
    kluis.mail.wait_for(address, count=2)
    logs = kluis.logs()
    assert "INFO" in logs  # the logs are there to be searched
    for secret in (
        CLIENT_PASSWORD,
        ADMIN_PASSWORD,
        token,
        "Geheim-Fout-99",
        reset_token,
        "Nieuw-Geheim-77",
    ):
        assert secret not in logs
