"""Guessing at sign-in and pumping texts (issue #14): floods are throttled per source
address and per account, a lock holds the guesser's address and not the owner, the
second step counts its misses across challenges, a TOTP code works once, codes by SMS
are limited, and the second step, the language of security mail and the contact
details cannot change behind the owner's back while other sessions live on.

Each test speaks from its own loopback addresses (127.0.0.0/8 all reach the gateway on
Linux), so that the limits per source address of one test do not touch another's."""

import itertools
import secrets
import time

import pytest

from services.identity import totp
from tests.systems import Kluis, SourceAddress, start_system

from .conftest import CLIENT_PASSWORD, link_token, text_of, unique_email

WRONG = "Raden-Maar-1234"
_addresses = (f"127.0.{a}.{b}" for a, b in itertools.product(range(40, 250), range(1, 250)))


@pytest.fixture(scope="module")
def kluis(tmp_path_factory, vhosts):
    """A system of its own with every limit per source address at its default (the
    shared systems raise them: the rest of the suite speaks from 127.0.0.1 only)."""
    system = start_system(
        tmp_path_factory,
        vhosts,
        "guessing",
        LOGIN_MISSES_PER_ADDRESS="30",
        SMS_PER_ADDRESS="10",
        SMS_PER_NUMBER="3",
        IDENTIFY_MISSES_PER_HOUR="1000",
    )
    yield Kluis(system)
    system.stop_all()


def from_address(kluis, address=None, token=None):
    client = kluis.client(token)
    client.address = address or next(_addresses)
    client.session.mount("http://", SourceAddress(client.address))
    return client


def login(client, email_address, password):
    return client.post("/auth/login", json={"email": email_address, "password": password})


def second_step(client, challenge_id, code):
    return client.post("/auth/login/2fa", json={"challenge_id": challenge_id, "code": code})


def signed_in(kluis, email_address, address=None):
    client = from_address(kluis, address)
    answer = login(client, email_address, CLIENT_PASSWORD)
    assert answer.status_code == 200, answer.text
    return from_address(kluis, client.address, answer.json()["token"])


def signed_in_with_code(kluis, email_address, mobile, count):
    """Signed in with password and the `count`-th SMS code to `mobile`, from an address
    of its own."""
    client = from_address(kluis)
    started = login(client, email_address, CLIENT_PASSWORD).json()
    assert started["two_factor_required"] and started["code_sent"], started
    answer = second_step(client, started["challenge_id"], kluis.sms_code(mobile, count))
    assert answer.status_code == 200, answer.text
    return from_address(kluis, client.address, answer.json()["token"])


def new_mobile():
    digits = f"1{secrets.randbelow(10**7):07d}"  # 06-1...: a Dutch mobile number
    return f"06 {digits}", f"+316{digits}"


def sms_client(kluis):
    """A signed-in client with the SMS second step on (one code sent so far)."""
    address = kluis.create_client()
    portal = signed_in(kluis, address)
    typed, mobile = new_mobile()
    assert portal.post("/me/2fa/sms", json={"mobile": typed}).status_code == 202
    confirmed = portal.post("/me/2fa/sms/confirm", json={"code": kluis.sms_code(mobile)})
    assert confirmed.status_code == 200, confirmed.text
    return address, portal, mobile


def totp_admin(kluis):
    """An admin with an authenticator app. -> (e-mail, secret, the step just confirmed)."""
    address, password = unique_email("beheer"), "Beheer-Raad-2026"
    with kluis.rpc(kluis.admin_principal()) as rpc:
        rpc.identity.create_account("admin", address, "Beheerder", "nl", password)
    admin = from_address(kluis, token=kluis.login(address, password))
    secret = admin.post("/me/2fa/totp").json()["secret"]
    step = int(time.time()) // totp.STEP_S
    confirmed = admin.post("/me/2fa/totp/confirm", json={"code": totp.code_at(secret, step)})
    assert confirmed.status_code == 200, confirmed.text
    return address, password, secret, step


def assert_rate_limited(answer):
    assert answer.status_code == 429, answer.text
    assert answer.json()["error"] == "rate_limited"
    assert int(answer.headers["Retry-After"]) >= 1


# -- floods and locks ---------------------------------------------------------------------------


def test_misses_from_one_address_are_throttled_with_retry_after(kluis):
    guesser = from_address(kluis)
    answers = [login(guesser, unique_email(), WRONG).status_code for _ in range(30)]
    assert answers == [401] * 30  # LOGIN_MISSES_PER_ADDRESS
    assert_rate_limited(login(guesser, unique_email(), WRONG))
    assert login(from_address(kluis), unique_email(), WRONG).status_code == 401  # elsewhere


def test_misses_at_one_account_slow_strangers_while_the_owner_gets_in(kluis):
    address = kluis.create_client()
    home = signed_in(kluis, address)  # the owner's own device
    for _ in range(10):  # three misses from each of ten addresses: no address is locked
        guesser = from_address(kluis)
        assert [login(guesser, address, WRONG).status_code for _ in range(3)] == [401] * 3
    assert_rate_limited(login(from_address(kluis), address, CLIENT_PASSWORD))
    assert login(from_address(kluis, home.address), address, CLIENT_PASSWORD).status_code == 200


def test_ten_misses_lock_the_guessers_address_not_the_owner_and_a_reset_lifts_it(kluis):
    address = kluis.create_client()
    guesser = from_address(kluis)
    assert [login(guesser, address, WRONG).status_code for _ in range(10)] == [401] * 10
    locked = login(guesser, address, CLIENT_PASSWORD)
    assert (locked.status_code, locked.json()) == (401, login(guesser, address, WRONG).json())
    mail = text_of(kluis.mail.wait_for(address, subject="geblokkeerd")[0])
    assert guesser.address in mail and "15 minuten" in mail
    assert login(from_address(kluis), address, CLIENT_PASSWORD).status_code == 200  # elsewhere

    assert kluis.client().post("/auth/password/forgot", json={"email": address}).status_code == 202
    token = link_token(kluis.mail.wait_for(address, subject="wachtwoord")[-1])
    reset = kluis.client().post(
        "/auth/password/reset", json={"token": token, "password": "Nieuw-Slot-2026"}
    )
    assert reset.status_code == 204
    assert login(guesser, address, "Nieuw-Slot-2026").status_code == 200


# -- the second step ----------------------------------------------------------------------------


def test_second_step_misses_across_challenges_lock_the_account(kluis):
    address, password, secret, step = totp_admin(kluis)
    wrong = totp.code_at(secret, step + 20)  # never inside the window
    client = from_address(kluis)
    for _ in range(2):  # a right password opens a new challenge: the misses add up
        challenge = login(client, address, password).json()["challenge_id"]
        assert [second_step(client, challenge, wrong).status_code for _ in range(5)] == [401] * 5
    refused = login(client, address, password)
    assert (refused.status_code, refused.json()["error"]) == (401, "invalid_credentials")
    assert login(from_address(kluis), address, password).status_code == 401  # account-wide
    mail = text_of(kluis.mail.wait_for(address, subject="geblokkeerd")[0])
    assert "verkeerde code" in mail


def test_five_wrong_codes_spend_a_challenge_even_for_the_right_code(kluis):
    address, _portal, mobile = sms_client(kluis)
    client = from_address(kluis)
    started = login(client, address, CLIENT_PASSWORD).json()
    code = kluis.sms_code(mobile, count=2)
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    answers = [second_step(client, started["challenge_id"], wrong) for _ in range(5)]
    assert [(a.status_code, a.json()["error"]) for a in answers] == [(401, "invalid_code")] * 5
    right = second_step(client, started["challenge_id"], code)
    assert (right.status_code, right.json()["error"]) == (401, "invalid_code")
    again = login(client, address, CLIENT_PASSWORD).json()  # five misses: no account lock
    assert (
        second_step(client, again["challenge_id"], kluis.sms_code(mobile, count=3)).status_code
        == 200
    )


def test_five_wrong_codes_spend_an_enrolment_even_for_the_right_code(kluis):
    portal = signed_in(kluis, kluis.create_client())
    typed, mobile = new_mobile()
    assert portal.post("/me/2fa/sms", json={"mobile": typed}).status_code == 202
    code = kluis.sms_code(mobile)
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    answers = [portal.post("/me/2fa/sms/confirm", json={"code": wrong}) for _ in range(5)]
    assert [(a.status_code, a.json()["error"]) for a in answers] == [(422, "invalid_code")] * 5
    right = portal.post("/me/2fa/sms/confirm", json={"code": code})
    assert right.status_code == 404, right.text
    assert portal.get("/me").json()["second_factor"] is None


def test_a_totp_code_works_once(kluis):
    address, password, secret, step = totp_admin(kluis)
    client = from_address(kluis)
    spent_at_enrolment = totp.code_at(secret, step)
    challenge = login(client, address, password).json()["challenge_id"]
    assert second_step(client, challenge, spent_at_enrolment).status_code == 401
    code = totp.code_at(secret, step + 1)
    assert second_step(client, challenge, code).status_code == 200
    again = login(client, address, password).json()["challenge_id"]
    assert second_step(client, again, code).status_code == 401


# -- texts ---------------------------------------------------------------------------------------


def test_at_most_three_codes_an_hour_to_one_number(kluis):
    typed, mobile = new_mobile()
    first = signed_in(kluis, kluis.create_client())
    assert [first.post("/me/2fa/sms", json={"mobile": typed}).status_code for _ in range(3)] == [
        202
    ] * 3
    assert_rate_limited(first.post("/me/2fa/sms", json={"mobile": typed}))
    other = signed_in(kluis, kluis.create_client())  # another account, another address
    assert_rate_limited(other.post("/me/2fa/sms", json={"mobile": typed}))
    kluis.sms_code(mobile, count=3)
    assert len([line for line in kluis.sms_lines() if line["to"] == mobile]) == 3


def test_codes_are_limited_per_account_and_per_source_address(kluis):
    address = next(_addresses)
    one = signed_in(kluis, kluis.create_client(), address)
    assert [
        one.post("/me/2fa/sms", json={"mobile": new_mobile()[0]}).status_code for _ in range(5)
    ] == [202] * 5
    assert_rate_limited(one.post("/me/2fa/sms", json={"mobile": new_mobile()[0]}))
    two = signed_in(kluis, kluis.create_client(), address)
    assert [
        two.post("/me/2fa/sms", json={"mobile": new_mobile()[0]}).status_code for _ in range(5)
    ] == [202] * 5  # ten from this address
    three_email = kluis.create_client()
    three = signed_in(kluis, three_email, address)
    assert_rate_limited(three.post("/me/2fa/sms", json={"mobile": new_mobile()[0]}))
    elsewhere = signed_in(kluis, three_email)
    assert elsewhere.post("/me/2fa/sms", json={"mobile": new_mobile()[0]}).status_code == 202


def test_sign_ins_cannot_pump_texts_to_the_number(kluis):
    address, _portal, mobile = sms_client(kluis)  # the first code of the hour
    client = from_address(kluis)
    sent = [login(client, address, CLIENT_PASSWORD).json() for _ in range(3)]
    assert [answer["code_sent"] for answer in sent] == [True, True, False]
    assert sent[2]["two_factor_required"] and sent[2]["retry_after_s"] >= 1
    kluis.sms_code(mobile, count=3)
    assert len([line for line in kluis.sms_lines() if line["to"] == mobile]) == 3


def test_no_login_sms_goes_out_while_the_address_is_locked(kluis):
    address, _portal, mobile = sms_client(kluis)
    guesser = from_address(kluis)
    for _ in range(10):
        login(guesser, address, WRONG)
    assert login(guesser, address, CLIENT_PASSWORD).status_code == 401
    owner = from_address(kluis)
    started = login(owner, address, CLIENT_PASSWORD).json()
    assert started["two_factor_required"] and started["code_sent"] is True
    code = kluis.sms_code(mobile, count=2)
    assert second_step(owner, started["challenge_id"], code).status_code == 200
    assert len([line for line in kluis.sms_lines() if line["to"] == mobile]) == 2


# -- changes that would shut the owner out -------------------------------------------------------


def test_turning_the_second_step_off_needs_the_password_and_ends_other_sessions(kluis):
    address, portal, mobile = sms_client(kluis)
    elsewhere = from_address(kluis)
    started = login(elsewhere, address, CLIENT_PASSWORD).json()
    answer = second_step(elsewhere, started["challenge_id"], kluis.sms_code(mobile, count=2))
    other = from_address(kluis, elsewhere.address, answer.json()["token"])
    assert other.get("/me").status_code == 200

    bare = portal.delete("/me/2fa")
    assert bare.status_code == 400 and "password" in bare.json()["details"]
    wrong = portal.delete("/me/2fa", json={"password": WRONG})
    assert (wrong.status_code, wrong.json()["error"]) == (422, "wrong_password")
    assert portal.get("/me").json()["second_factor"] == "sms"

    assert portal.delete("/me/2fa", json={"password": CLIENT_PASSWORD}).status_code == 204
    assert portal.get("/me").json()["second_factor"] is None
    assert other.get("/me").status_code == 401


def test_a_new_language_for_security_mail_ends_the_other_sessions(kluis):
    address = kluis.create_client()
    mine, other = signed_in(kluis, address), signed_in(kluis, address)
    assert mine.patch("/me", json={"name": "Jan Klant"}).status_code == 200
    assert other.get("/me").status_code == 200  # a name is no security matter
    assert mine.patch("/me", json={"language": "en"}).status_code == 200
    assert other.get("/me").status_code == 401
    assert mine.get("/me").json()["language"] == "en"


def test_a_new_number_for_the_second_step_ends_the_other_sessions(kluis):
    address, portal, mobile = sms_client(kluis)
    other = signed_in_with_code(kluis, address, mobile, 2)  # 1: the set-up
    assert other.get("/me").status_code == 200
    typed, mobile = new_mobile()
    assert portal.post("/me/2fa/sms", json={"mobile": typed}).status_code == 202
    confirmed = portal.post("/me/2fa/sms/confirm", json={"code": kluis.sms_code(mobile)})
    assert confirmed.status_code == 200, confirmed.text
    assert other.get("/me").status_code == 401  # where codes go changed: others end
    assert portal.get("/me").status_code == 200  # the session that changed it goes on
