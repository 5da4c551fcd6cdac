"""The real routes (gateway/routes/) through the Dispatcher, with fake services:
docs/api.md "Health, limits and docs" and "Authentication and sessions"."""

import re

import pytest

import gateway.routes  # noqa: F401  (registers every route)
from gateway.dispatch import Dispatcher
from gateway.http import ROUTES
from gateway.messages import ERRORS
from services.common.rpc import ServiceTimeout, ServiceUnavailable
from services.identity.exceptions import (
    InvalidCredentials,
    InvalidToken,
    TokenExpired,
    TokenUsed,
    WeakPassword,
)

from .gateway_fakes import (
    CLIENT_IP,
    USER_AGENT,
    FakeService,
    FakeWorkerCtx,
    identity,
    make_request,
    principal,
    send,
    services,
)

TOKEN = "tok-" + "b" * 40
SESSION = {
    "expires_at": "2026-03-02T10:10:00+00:00",
    "warn_at": "2026-03-02T10:08:00+00:00",
    "idle_timeout_s": 600,
    "warning_s": 120,
}
LOGIN = {"email": "klant@voorbeeld.nl", "password": "Zonnebloem-84"}


@pytest.fixture(scope="module")
def dispatcher():
    return Dispatcher(ROUTES)


def signed_in(language="nl", **answers):
    return services(identity=identity({TOKEN: principal("acc-1", language=language)}, **answers))


def authorised(**headers):
    return {"Authorization": f"Bearer {TOKEN}", **headers}


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: f"{r.method} {r.path}")
def test_every_route_is_served_under_the_api_prefix(dispatcher, route):
    path = re.sub(r"<(?:\w+:)?(\w+)>", "x", route.path)
    response = dispatcher.dispatch(
        make_request(route.method, path), services(identity=identity()), FakeWorkerCtx()
    )
    if route.auth:  # routing comes first: a 401 proves the route was found
        assert (response.status_code, response.json["error"]) == (401, "unauthenticated")
    else:
        assert response.status_code not in (404, 405)


# -- sign-in ---------------------------------------------------------------------------------


def test_login_passes_credentials_and_source_and_returns_the_session(dispatcher):
    answer = {"token": "new-token", "idle_timeout_s": 600, "warning_s": 120}
    fake = services(identity=identity(login=answer))
    response, body = send(dispatcher, make_request("POST", "/auth/login", json_body=LOGIN), fake)
    assert (response.status_code, body) == (200, answer)
    assert fake.identity.called("login") == [
        ((LOGIN["email"], LOGIN["password"]), {"source_ip": CLIENT_IP, "user_agent": USER_AGENT})
    ]


@pytest.mark.parametrize("accept, index", [("nl", 0), ("en", 1)])
def test_refused_login_is_401_invalid_credentials(dispatcher, accept, index):
    fake = services(identity=identity(login=InvalidCredentials()))
    request = make_request(
        "POST", "/auth/login", json_body=LOGIN, headers={"Accept-Language": accept}
    )
    response, body = send(dispatcher, request, fake)
    assert (response.status_code, body["error"]) == (401, "invalid_credentials")
    assert body["message"] == ERRORS["invalid_credentials"][index]


@pytest.mark.parametrize(
    "document, field",
    [
        ({"email": "geen-adres", "password": "x"}, "email"),
        ({"email": "a@b.nl"}, "password"),
        ({**LOGIN, "remember_me": True}, "remember_me"),
    ],
)
def test_bad_login_body_is_400_and_never_reaches_identity(dispatcher, document, field):
    fake = services(identity=identity(login={}))
    response, body = send(dispatcher, make_request("POST", "/auth/login", json_body=document), fake)
    assert response.status_code == 400
    assert field in body["details"]
    assert fake.identity.called("login") == []


def test_session_state_does_not_extend_the_session(dispatcher):
    fake = signed_in(describe_session=SESSION)
    response, body = send(
        dispatcher, make_request("GET", "/auth/session", headers=authorised()), fake
    )
    assert (response.status_code, body) == (200, SESSION)
    assert fake.identity.called("authenticate") == [((TOKEN,), {"touch": False})]


def test_extend_counts_as_activity(dispatcher):
    fake = signed_in(touch_session=SESSION)
    response, _ = send(
        dispatcher, make_request("POST", "/auth/session/extend", headers=authorised()), fake
    )
    assert response.status_code == 200
    assert fake.identity.called("touch_session") == [((), {})]  # written at once


def test_logout_is_204_without_body(dispatcher):
    fake = signed_in(logout=None)
    response, body = send(
        dispatcher, make_request("POST", "/auth/logout", headers=authorised()), fake
    )
    assert (response.status_code, body) == (204, None)
    assert len(fake.identity.called("logout")) == 1


# -- password reset ----------------------------------------------------------------------------


def test_forgot_password_is_always_202(dispatcher):
    fake = services(identity=identity(request_password_reset=None))
    request = make_request("POST", "/auth/password/forgot", json_body={"email": "x@y.nl"})
    response, _ = send(dispatcher, request, fake)
    assert response.status_code == 202
    assert fake.identity.called("request_password_reset") == [(("x@y.nl",), {})]


def test_reset_password_is_204(dispatcher):
    fake = services(identity=identity(reset_password=None))
    request = make_request(
        "POST", "/auth/password/reset", json_body={"token": "t", "password": "Nieuw-Wachtwoord-1"}
    )
    response, _ = send(dispatcher, request, fake)
    assert response.status_code == 204
    assert fake.identity.called("reset_password") == [(("t", "Nieuw-Wachtwoord-1"), {})]


@pytest.mark.parametrize(
    "error, status, code",
    [
        (WeakPassword({"rules": ["digit", "uppercase"]}), 422, "weak_password"),
        (TokenExpired(), 410, "token_expired"),
        (TokenUsed(), 410, "token_used"),
        (InvalidToken(), 400, "invalid_token"),
    ],
)
def test_reset_password_errors_map_to_their_status(dispatcher, error, status, code):
    fake = services(identity=identity(reset_password=error))
    request = make_request(
        "POST", "/auth/password/reset", json_body={"token": "t", "password": "zwak"}
    )
    response, body = send(dispatcher, request, fake)
    assert (response.status_code, body["error"]) == (status, code)
    assert body["details"] == error.details


# -- profile ----------------------------------------------------------------------------------


def test_me_returns_the_profile_in_the_api_shape(dispatcher):
    account = {
        "id": "acc-1",
        "kind": "client",
        "name": "Jan",
        "email": "j@v.nl",
        "language": "nl",
        "mobile": None,
        "first_login": True,
        "offices": [],
        "active_office_id": None,
    }
    fake = signed_in(describe_me=account)
    fake.dossier = FakeService(lookup_offices=[], list_my_companies=[])
    response, body = send(dispatcher, make_request("GET", "/me", headers=authorised()), fake)
    assert response.status_code == 200
    assert {
        "id",
        "kind",
        "name",
        "email",
        "mobile",
        "language",
        "first_login",
        "offices",
        "active_office_id",
    } <= set(body)


def test_me_refuses_an_unsupported_language_in_dutch(dispatcher):
    fake = signed_in(update_me={})
    request = make_request("PATCH", "/me", json_body={"language": "de"}, headers=authorised())
    response, body = send(dispatcher, request, fake)
    assert response.status_code == 400
    assert body["details"] == {"language": ["Moet een van deze zijn: nl, en."]}
    assert fake.identity.called("update_me") == []


# -- health, docs, unavailable services --------------------------------------------------------


def healthy(**broken):
    return services(
        **{
            name: FakeService(health=broken.get(name, {"status": "ok"}))
            for name in ("identity", "dossier", "documents", "notify", "signing")
        }
    )


def test_health_is_200_when_every_service_answers(dispatcher):
    response, body = send(dispatcher, make_request("GET", "/health"), healthy())
    assert response.status_code == 200
    assert body == {"status": "ok", "services": {name: "ok" for name in body["services"]}}
    assert set(body["services"]) == {"identity", "dossier", "documents", "notify", "signing"}


def test_health_is_503_naming_the_failing_services(dispatcher):
    fake = healthy(
        notify=ServiceTimeout({"service": "notify"}),
        signing=ServiceUnavailable({"service": "signing"}),
    )
    response, body = send(dispatcher, make_request("GET", "/health"), fake)
    assert response.status_code == 503
    assert body["services"]["identity"] == "ok"
    assert body["services"]["notify"] != "ok" and body["services"]["signing"] != "ok"


def test_openapi_document_is_served(dispatcher):
    response, body = send(dispatcher, make_request("GET", "/openapi.json"))
    assert response.status_code == 200
    assert body["openapi"].startswith("3.")


@pytest.mark.parametrize(
    "error, status",
    [
        (ServiceUnavailable({"service": "identity"}), 503),
        (ServiceTimeout({"service": "identity"}), 504),
    ],
)
def test_identity_down_is_503_or_504(dispatcher, error, status):
    fake = services(identity=identity(login=error))
    response, body = send(dispatcher, make_request("POST", "/auth/login", json_body=LOGIN), fake)
    assert response.status_code == status
    assert body["request_id"] == response.headers["X-Request-ID"]


def test_admin_list_limit_above_200_is_400(dispatcher):
    fake = signed_in(list_login_attempts=[])
    request = make_request(
        "GET", "/admin/login-attempts", query_string="limit=201", headers=authorised()
    )
    response, body = send(dispatcher, request, fake)
    assert (response.status_code, list(body["details"])) == (400, ["limit"])
    assert fake.identity.called("list_login_attempts") == []


def test_a_list_is_paged_by_its_service_and_passed_on_whole(dispatcher):
    page = {"items": [{"email": "1@b.nl"}, {"email": "2@b.nl"}], "next_cursor": "e30.sig"}
    fake = signed_in(list_login_attempts=page)
    for query, asked in (
        ("?limit=2&cursor=abc.sig", {"limit": 2, "cursor": "abc.sig"}),
        ("", {"limit": 50, "cursor": None}),
    ):
        response, body = send(
            dispatcher,
            make_request("GET", "/admin/login-attempts" + query, headers=authorised()),
            fake,
        )
        assert (response.status_code, body) == (200, page)
        assert fake.identity.called("list_login_attempts")[-1] == ((), asked)
    for bad in ("?limit=0", "?limit=201", "?limit=x"):
        response, body = send(
            dispatcher,
            make_request("GET", "/admin/login-attempts" + bad, headers=authorised()),
            fake,
        )
        assert (response.status_code, body["error"]) == (400, "validation_error"), bad
    assert len(fake.identity.called("list_login_attempts")) == 2


def test_parked_messages_of_an_unknown_service_are_404(dispatcher):
    response, body = send(
        dispatcher,
        make_request("GET", "/admin/parked-messages/payments", headers=authorised()),
        signed_in(),
    )
    assert (response.status_code, body["error"]) == (404, "not_found")


def test_wrong_method_on_a_real_route_is_405_with_allow(dispatcher):
    response, _ = send(dispatcher, make_request("GET", "/auth/login"))
    assert response.status_code == 405
    assert response.headers["Allow"] == "POST"
