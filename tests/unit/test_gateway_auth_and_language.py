"""Bearer authentication at the gateway, the principal passed on in the RPC context,
and the language of every answer (principal > Accept-Language > Dutch)."""

import pytest

from gateway.dispatch import Dispatcher
from gateway.messages import ERRORS
from services.identity.exceptions import SessionExpired

from .gateway_fakes import (
    CLIENT_IP,
    TEST_ROUTES,
    USER_AGENT,
    FakeWorkerCtx,
    identity,
    make_request,
    principal,
    send,
    services,
)

TOKEN = "tok-" + "a" * 40


@pytest.fixture
def dispatcher():
    return Dispatcher(TEST_ROUTES)


def with_sessions(**by_token):
    return services(identity=identity(by_token))


def bearer(token=TOKEN, **headers):
    return {"Authorization": f"Bearer {token}", **headers}


# -- authentication --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "header",
    [
        None,
        "",
        "Bearer",
        "Bearer   ",
        "Basic dXNlcjpwdw==",
        f"Token {TOKEN}",
        "Bearer " + "x" * 600,
    ],
)
def test_missing_or_malformed_authorization_is_401(dispatcher, header):
    fake = with_sessions(**{TOKEN: principal()})
    headers = {} if header is None else {"Authorization": header}
    response, body = send(dispatcher, make_request("GET", "/whoami", headers=headers), fake)
    assert response.status_code == 401
    assert body["error"] == "unauthenticated"
    assert fake.identity.called("authenticate") == []


def test_token_identity_does_not_know_is_401(dispatcher):
    response, body = send(
        dispatcher,
        make_request("GET", "/whoami", headers=bearer("other")),
        with_sessions(**{TOKEN: principal()}),
    )
    assert (response.status_code, body["error"]) == (401, "unauthenticated")


def test_expired_session_is_401_session_expired(dispatcher):
    response, body = send(
        dispatcher,
        make_request("GET", "/whoami", headers=bearer()),
        with_sessions(**{TOKEN: SessionExpired()}),
    )
    assert (response.status_code, body["error"]) == (401, "session_expired")


def test_valid_token_reaches_the_route_as_principal(dispatcher):
    fake = with_sessions(**{TOKEN: principal("acc-7")})
    response, body = send(dispatcher, make_request("GET", "/whoami", headers=bearer()), fake)
    assert (response.status_code, body["account_id"]) == (200, "acc-7")
    assert fake.identity.called("authenticate") == [((TOKEN,), {"touch": True})]


def test_bearer_scheme_is_case_insensitive(dispatcher):
    request = make_request("GET", "/whoami", headers={"Authorization": f"bearer {TOKEN}"})
    response, _ = send(dispatcher, request, with_sessions(**{TOKEN: principal()}))
    assert response.status_code == 200


def test_route_that_does_not_count_as_activity_authenticates_without_touch(dispatcher):
    fake = with_sessions(**{TOKEN: principal()})
    send(dispatcher, make_request("GET", "/peek", headers=bearer()), fake)
    assert fake.identity.called("authenticate") == [((TOKEN,), {"touch": False})]


def test_identitys_signed_principal_goes_into_the_rpc_context_unchanged(dispatcher):
    worker_ctx = FakeWorkerCtx()
    fake = with_sessions(**{TOKEN: principal("acc-7", kind="admin", language="en")})
    send(dispatcher, make_request("GET", "/whoami", headers=bearer()), fake, worker_ctx)
    assert worker_ctx.data["principal"] == "p1.signed-for-acc-7.sig"
    assert (worker_ctx.data["source_ip"], worker_ctx.data["user_agent"]) == (CLIENT_IP, USER_AGENT)
    assert worker_ctx.data["language"] == "en"


def test_anonymous_route_puts_no_principal_but_the_language(dispatcher):
    worker_ctx = FakeWorkerCtx()
    request = make_request("GET", "/language", headers={"Accept-Language": "en"})
    send(dispatcher, request, services(), worker_ctx)
    assert "principal" not in worker_ctx.data
    assert worker_ctx.data["language"] == "en"


# -- language ---------------------------------------------------------------------------------


def not_found_message(dispatcher, headers=None, fake=None):
    request = make_request("GET", "/notes/missing", headers=headers)
    return send(dispatcher, request, fake)[1]["message"]


def test_messages_are_dutch_without_accept_language(dispatcher):
    assert not_found_message(dispatcher) == ERRORS["not_found"][0]


@pytest.mark.parametrize(
    "accept, index",
    [
        ("nl", 0),
        ("nl-NL,nl;q=0.9", 0),
        ("en", 1),
        ("en-US", 1),
        ("en-GB,en;q=0.8,nl;q=0.5", 1),
        ("nl;q=0.4,en;q=0.9", 1),
        ("fr", 0),
        ("de-DE,fr;q=0.5", 0),
        ("*", 0),
    ],
)
def test_accept_language_picks_dutch_or_english(dispatcher, accept, index):
    message = not_found_message(dispatcher, {"Accept-Language": accept})
    assert message == ERRORS["not_found"][index]


def test_dutch_and_english_messages_differ(dispatcher):
    assert not_found_message(dispatcher, {"Accept-Language": "nl"}) != not_found_message(
        dispatcher, {"Accept-Language": "en"}
    )


@pytest.mark.parametrize("account_language, accept, index", [("en", "nl", 1), ("nl", "en", 0)])
def test_the_principals_language_wins_over_accept_language(
    dispatcher, account_language, accept, index
):
    fake = with_sessions(**{TOKEN: principal(language=account_language)})
    request = make_request(
        "POST",
        "/private-notes",
        json_body={"title": "x"},
        headers=bearer(**{"Accept-Language": accept}),
    )
    response, body = send(dispatcher, request, fake)
    assert response.status_code == 404
    assert body["message"] == ERRORS["not_found"][index]


def test_the_principals_language_also_translates_field_messages(dispatcher):
    fake = with_sessions(**{TOKEN: principal(language="nl")})
    request = make_request(
        "POST",
        "/private-notes",
        json_body={"colour": 1},
        headers=bearer(**{"Accept-Language": "en"}),
    )
    _, body = send(dispatcher, request, fake)
    assert body["details"]["colour"] == ["Onbekend veld."]


def test_a_refused_token_is_answered_in_the_accept_language(dispatcher):
    request = make_request("GET", "/whoami", headers=bearer(**{"Accept-Language": "en"}))
    _, body = send(dispatcher, request, with_sessions())
    assert body["message"] == ERRORS["unauthenticated"][1]


# -- the principal cache and writes (gateway/principals.py) ---------------------------------


def test_a_write_that_cannot_change_access_keeps_the_cached_principals(dispatcher):
    """A message, an upload, an answer (`changes_access=False`) leaves every cached
    principal in place; any other write, once it succeeded, makes the gateway ask
    identity again; a refused write and an OPTIONS request do not."""
    fake = with_sessions(**{TOKEN: principal("acc-7")})

    def authentications():
        return len(fake.identity.called("authenticate"))

    send(dispatcher, make_request("GET", "/whoami", headers=bearer()), fake)
    note = {"title": "x"}
    assert (
        send(
            dispatcher,
            make_request("POST", "/whoami/notes", json_body=note, headers=bearer()),
            fake,
        )[0].status_code
        == 201
    )
    send(dispatcher, make_request("OPTIONS", "/whoami/roles", headers=bearer()), fake)
    assert (
        send(
            dispatcher, make_request("POST", "/whoami/roles", json_body={}, headers=bearer()), fake
        )[0].status_code
        == 400
    )
    send(dispatcher, make_request("GET", "/whoami", headers=bearer()), fake)
    assert authentications() == 1
    assert (
        send(
            dispatcher,
            make_request("POST", "/whoami/roles", json_body=note, headers=bearer()),
            fake,
        )[0].status_code
        == 201
    )
    send(dispatcher, make_request("GET", "/whoami", headers=bearer()), fake)
    assert authentications() == 2


def test_an_invalidating_event_drops_what_it_names_and_one_that_does_not_fit_drops_all(
    monkeypatch,
):
    """session_revoked read through identity's declaration drops that session; one
    that does not fit the declaration (another version's producer) clears the cache
    rather than being lost with the revocation in it."""
    from gateway import principals

    cache = principals.PrincipalCache()
    monkeypatch.setattr(principals, "cache", cache)
    for account in ("acc-1", "acc-2", "acc-3"):
        cache.put(f"token-{account}", principal(account))
    envelope = {"event_id": "e-1", "occurred_at": "2026-11-30T12:00:00Z", "actor": None}
    revoked = {**envelope, "event_type": "session_revoked", "reason": "logout"}
    principals.forget({**revoked, "session_id": "ses-acc-1"})
    assert [cache.get(f"token-{a}") is None for a in ("acc-1", "acc-2", "acc-3")] == [
        True,
        False,
        False,
    ]
    principals.forget({**revoked, "reason": 7, "session_id": "ses-acc-2"})  # does not fit
    assert cache.get("token-acc-2") is None and cache.get("token-acc-3") is None
