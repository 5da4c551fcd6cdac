"""The HTTP conventions of docs/api.md that hold for every route: JSON 404 and 405, OPTIONS,
X-Request-ID, Cache-Control, and a 500 that tells nothing but a request id."""

import re

import pytest
from prometheus_client import REGISTRY

from gateway.dispatch import Dispatcher
from gateway.messages import ERRORS

from .gateway_fakes import TEST_ROUTES, make_request, send

REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


@pytest.fixture
def dispatcher():
    return Dispatcher(TEST_ROUTES)


def allowed(response):
    return {method.strip() for method in response.headers["Allow"].split(",")}


# -- routing ---------------------------------------------------------------------------------


def test_a_route_answers_with_json(dispatcher):
    response, body = send(dispatcher, make_request("GET", "/notes/n-1"))
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert body["id"] == "n-1"


@pytest.mark.parametrize(
    "method, path",
    [("GET", "/nothing-here"), ("PUT", "/nothing/notes"), ("GET", "/notes/n-1/extra")],
)
def test_unknown_path_is_a_json_404(dispatcher, method, path):
    response, body = send(dispatcher, make_request(method, path))
    assert response.status_code == 404
    assert response.mimetype == "application/json"
    assert body["error"] == "not_found"
    assert body["message"]


def test_path_outside_the_api_prefix_is_404(dispatcher):
    request = make_request("GET", "/notes/n-1")
    request.environ["PATH_INFO"] = "/notes/n-1"
    response, body = send(dispatcher, request)
    assert (response.status_code, body["error"]) == (404, "not_found")


def test_wrong_method_is_405_with_allow(dispatcher):
    response, body = send(dispatcher, make_request("PUT", "/notes/n-1"))
    assert response.status_code == 405
    assert body["error"] == "method_not_allowed"
    assert {"GET", "DELETE"} <= allowed(response)
    assert "PUT" not in allowed(response)


def test_a_405_is_counted_under_its_paths_route_template(dispatcher):
    labels = {"method": "PUT", "route": "/api/v1/notes/<note_id>", "status": "405"}
    before = REGISTRY.get_sample_value("kluis_http_requests_total", labels) or 0.0
    response, _ = send(dispatcher, make_request("PUT", "/notes/n-1"))
    assert response.status_code == 405
    assert REGISTRY.get_sample_value("kluis_http_requests_total", labels) - before == 1


def test_options_answers_204_with_allow(dispatcher):
    response, body = send(dispatcher, make_request("OPTIONS", "/notes"))
    assert response.status_code == 204
    assert body is None
    assert allowed(response) == {"POST"}


# -- headers on every response ---------------------------------------------------------------

RESPONSES = {
    "ok": lambda: make_request("GET", "/notes/n-1"),
    "not found": lambda: make_request("GET", "/nowhere"),
    "method not allowed": lambda: make_request("PATCH", "/notes/n-1"),
    "options": lambda: make_request("OPTIONS", "/notes/n-1"),
    "validation error": lambda: make_request("POST", "/notes", json_body={"x": 1}),
    "unauthenticated": lambda: make_request("GET", "/whoami"),
    "internal error": lambda: make_request("GET", "/explode"),
}


@pytest.mark.parametrize("kind", RESPONSES)
def test_every_response_carries_a_request_id_and_no_store(dispatcher, kind):
    response, _ = send(dispatcher, RESPONSES[kind]())
    assert REQUEST_ID.match(response.headers["X-Request-ID"])
    assert response.headers["Cache-Control"] == "no-store"


def test_request_ids_are_generated_fresh_for_each_request(dispatcher):
    ids = {
        send(dispatcher, make_request("GET", "/notes/n-1"))[0].headers["X-Request-ID"]
        for _ in range(5)
    }
    assert len(ids) == 5


def test_a_valid_client_request_id_is_echoed(dispatcher):
    request = make_request("GET", "/notes/n-1", headers={"X-Request-ID": "client-req_0042.a"})
    response, _ = send(dispatcher, request)
    assert response.headers["X-Request-ID"] == "client-req_0042.a"


@pytest.mark.parametrize(
    "sent", ["short", "has spaces in it", "x" * 65, "evil\u00e9id-123", "abc/../../etc"]
)
def test_an_invalid_client_request_id_is_replaced(dispatcher, sent):
    request = make_request("GET", "/notes/n-1", headers={"X-Request-ID": sent})
    response, _ = send(dispatcher, request)
    assert response.headers["X-Request-ID"] != sent
    assert REQUEST_ID.match(response.headers["X-Request-ID"])


# -- unexpected errors -------------------------------------------------------------------------


def test_unexpected_exception_is_a_500_with_only_a_request_id(dispatcher):
    request = make_request("GET", "/explode", headers={"Accept-Language": "en"})
    response, body = send(dispatcher, request)
    assert response.status_code == 500
    assert body["error"] == "internal_error"
    assert body["message"] == "Internal server error."
    assert body["request_id"] == response.headers["X-Request-ID"]
    text = response.get_data(as_text=True)
    for leak in ("Traceback", "RuntimeError", "Hunter2", "store.py", "/srv/kluis"):
        assert leak not in text


def test_unexpected_exception_is_logged_with_its_request_id(dispatcher, caplog):
    response, _ = send(dispatcher, make_request("GET", "/explode"))
    request_id = response.headers["X-Request-ID"]
    assert any(request_id in record.getMessage() and record.exc_info for record in caplog.records)


def test_500_message_is_dutch_by_default(dispatcher):
    _, body = send(dispatcher, make_request("GET", "/explode"))
    assert body["message"] == ERRORS["internal_error"][0] != "Internal server error."


def test_client_error_body_has_the_api_shape_without_request_id(dispatcher):
    _, body = send(dispatcher, make_request("GET", "/nowhere"))
    assert set(body) == {"error", "message", "details"}
