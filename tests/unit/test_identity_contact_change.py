"""identity's side of an office changing a client record's e-mail or mobile
(activation.end_for_contact_change, RPC end_sessions_for_contact_change): the
account's sessions end and its open activation link and code stop working."""

from urllib.parse import parse_qs, urlsplit

import pytest

from services.common.errors import Unauthenticated
from services.identity import accounts, activation, guard, password_login, sessions
from services.identity.domain import SessionClock
from services.identity.exceptions import TokenUsed

CLOCK = SessionClock(idle_timeout_s=600, warning_s=120)
PASSWORD = "Zonnebloem-84"


def test_the_sessions_of_the_account_end(identity_db):
    with identity_db.unit_of_work() as uow:
        account = accounts.create_account(uow, "client", "klant@voorbeeld.nl", password=PASSWORD)
        accounts.create_account(uow, "client", "ander@voorbeeld.nl", password=PASSWORD)
        account_id = account.id
    tokens = []
    for email in ("klant@voorbeeld.nl", "klant@voorbeeld.nl", "ander@voorbeeld.nl"):
        tokens.append(
            password_login.login(
                identity_db,
                CLOCK,
                guard.Policy(),
                email,
                PASSWORD,
                "198.51.100.1",
                "pytest",
                "https://kluis.example",
            )["token"]
        )
    with identity_db.unit_of_work() as uow:
        activation.end_for_contact_change(uow, account_id)
    for token in tokens[:2]:
        with pytest.raises(Unauthenticated), identity_db.unit_of_work() as uow:
            sessions.authenticate(uow, CLOCK, token, touch=False)
    with identity_db.unit_of_work() as uow:  # another account keeps its session
        assert sessions.authenticate(uow, CLOCK, tokens[2], touch=False)


def test_the_open_activation_link_sent_to_the_old_contact_stops_working(identity_db):
    with identity_db.unit_of_work() as uow:
        prepared = activation.prepare_client_account(
            uow, "nieuw@voorbeeld.nl", "Nieuw", "+31612345678", "nl", "https://kluis.example"
        )
    url = [
        m["payload"]
        for m in identity_db.outbox()
        if m["kind"] == "command" and m["payload"].get("template") == "activation_password"
    ][-1]["data"]["password_url"]
    token = parse_qs(urlsplit(url).query)["token"][0]
    with identity_db.unit_of_work() as uow:
        activation.end_for_contact_change(uow, prepared["account_id"])
    with pytest.raises(TokenUsed), identity_db.unit_of_work() as uow:
        activation.complete_activation(
            uow, CLOCK, token, "Tulpenveld-2026", "000000", "198.51.100.1", "pytest"
        )


def test_an_unknown_account_is_nothing_to_end(identity_db):
    with identity_db.unit_of_work() as uow:
        activation.end_for_contact_change(uow, "00000000-0000-0000-0000-000000000000")
    assert identity_db.outbox() == []
