"""The OpenAPI 3 document is generated from the registered routes and their schemas."""

import json
import re

import pytest

import gateway.routes  # noqa: F401  (registers every route)
from gateway.http import ROUTES, NoBody
from gateway.openapi import openapi_document
from gateway.schemas import Empty


@pytest.fixture(scope="module")
def document():
    return openapi_document()


def operation(document, route):
    path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", route.path)
    return document["paths"][path][route.method.lower()]


def resolve(document, schema):
    name = schema["$ref"].rsplit("/", 1)[-1]
    return document["components"]["schemas"][name]


def route_ids(route):
    return f"{route.method} {route.path}"


def test_it_is_an_openapi_3_document_that_serialises_to_json(document):
    assert document["openapi"].startswith("3.")
    assert document["info"]["title"] and document["info"]["version"]
    assert json.loads(json.dumps(document)) == document


def test_the_api_contract_routes_are_registered():
    registered = {(route.method, route.path) for route in ROUTES}
    assert {
        ("GET", "/health"),
        ("GET", "/openapi.json"),
        ("POST", "/auth/login"),
        ("GET", "/auth/session"),
        ("POST", "/auth/session/extend"),
        ("POST", "/auth/logout"),
        ("POST", "/auth/password/forgot"),
        ("POST", "/auth/password/reset"),
    } <= registered


@pytest.mark.parametrize("route", ROUTES, ids=route_ids)
def test_every_route_is_documented_with_its_method(document, route):
    documented = operation(document, route)
    assert documented["responses"]
    assert documented["summary"]


def test_the_document_lists_nothing_that_is_not_routed(document):
    routed = {(re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", r.path), r.method.lower()) for r in ROUTES}
    documented = {
        (path, method) for path, operations in document["paths"].items() for method in operations
    }
    assert documented == routed


def test_operation_ids_are_unique(document):
    ids = [op["operationId"] for ops in document["paths"].values() for op in ops.values()]
    assert len(ids) == len(set(ids))


def test_login_body_schema_comes_from_marshmallow(document):
    login = document["paths"]["/auth/login"]["post"]
    schema = resolve(document, login["requestBody"]["content"]["application/json"]["schema"])
    assert {"email", "password"} <= set(schema["properties"])
    assert {"email", "password"} <= set(schema["required"])
    assert schema["properties"]["email"]["format"] == "email"


@pytest.mark.parametrize("route", ROUTES, ids=route_ids)
def test_a_request_body_is_documented_exactly_when_the_route_takes_one(document, route):
    takes_one = route.body is not NoBody or route.form is not None or bool(route.raw_body)
    assert ("requestBody" in operation(document, route)) == takes_one


def test_an_hdn_message_is_documented_as_xml(document):
    post = document["paths"]["/dossiers/{dossier_id}/hdn/da"]["post"]
    assert set(post["requestBody"]["content"]) == {"application/xml", "text/xml"}
    assert {"413", "415", "422"} <= set(post["responses"])


def test_an_upload_is_documented_as_a_multipart_form_with_its_file():
    from gateway.openapi import openapi_document

    post = openapi_document()["paths"]["/dossiers/{dossier_id}/documents"]["post"]
    schema = post["requestBody"]["content"]["multipart/form-data"]["schema"]
    assert schema["properties"]["file"] == {"type": "string", "format": "binary"}
    assert schema["properties"]["category"]["enum"] == ["document", "correspondence"]
    assert set(schema["required"]) == {"file", "category"}


@pytest.mark.parametrize("route", ROUTES, ids=route_ids)
def test_authenticated_routes_carry_bearer_security_and_anonymous_ones_none(document, route):
    security = operation(document, route).get("security")
    if route.auth:
        from gateway.scopes import ROUTE_SCOPES

        scope = ROUTE_SCOPES.get((route.method, route.path))
        assert security == [{"bearer": []}] + ([{"apiKey": []}] if scope else [])
        assert operation(document, route).get("x-kluis-scope") == scope
        assert "401" in operation(document, route)["responses"]
    else:
        assert not security


def test_the_bearer_scheme_is_http_bearer(document):
    assert document["components"]["securitySchemes"]["bearer"] == {
        "type": "http",
        "scheme": "bearer",
    }


def test_path_parameters_are_declared(document):
    replay = document["paths"]["/admin/parked-messages/{service}/{message_id}/replay"]["post"]
    declared = {(p["in"], p["name"], p["required"]) for p in replay["parameters"]}
    assert declared == {("path", "service", True), ("path", "message_id", True)}


def test_query_schemas_become_query_parameters(document):
    listing = document["paths"]["/admin/login-attempts"]["get"]
    names = {p["name"] for p in listing["parameters"] if p["in"] == "query"}
    assert {"limit", "cursor"} <= names


def test_every_reference_resolves(document):
    refs = re.findall(r'"\$ref": "#/components/schemas/([^"]+)"', json.dumps(document))
    assert refs
    assert set(refs) <= set(document["components"]["schemas"])


def test_error_schema_has_the_api_error_fields(document):
    error = document["components"]["schemas"]["Error"]
    assert {"error", "message", "details", "request_id"} <= set(error["properties"])


def success_responses():
    return [
        (route, status, schema)
        for route in ROUTES
        for status, (_description, schema) in route.responses.items()
        if status < 300
    ]


@pytest.mark.parametrize(
    "route,status,schema",
    success_responses(),
    ids=lambda value: route_ids(value) if hasattr(value, "path") else str(value)[:20],
)
def test_every_success_answer_says_what_it_holds(route, status, schema):
    """A schema, a file type, or Empty (a 202 or 204 without a body): never nothing."""
    assert schema is not None or status == 204, (
        f"{route.method} {route.path} {status}: give the answer's schema (or Empty)"
    )


@pytest.mark.parametrize("route", ROUTES, ids=route_ids)
def test_every_success_answer_with_a_body_is_documented_with_it(document, route):
    for status, (_description, schema) in route.responses.items():
        response = operation(document, route)["responses"][str(status)]
        if status < 300 and schema not in (None, Empty):
            assert response["content"], (route.path, status)
            assert all(content["schema"] for content in response["content"].values())


@pytest.mark.parametrize("route", ROUTES, ids=route_ids)
def test_every_operation_has_a_real_summary(document, route):
    summary = operation(document, route)["summary"]
    assert summary != route.handler.__name__.replace("_", " ")
    assert len(summary) <= 80, summary


def test_the_device_challenge_says_exactly_what_the_device_signs(document):
    challenge = document["paths"]["/auth/device/challenge"]["post"]
    schema = resolve(
        document, challenge["responses"]["200"]["content"]["application/json"]["schema"]
    )
    described = schema["properties"]["challenge"]["description"]
    assert "Ed25519" in described and "UTF-8" in described and "base64" in described


@pytest.mark.parametrize("route", ROUTES, ids=route_ids)
def test_a_route_that_can_meet_a_missing_thing_documents_404(document, route):
    if "<" in route.path or route.auth:
        assert "404" in operation(document, route)["responses"]


def test_every_route_an_api_key_may_call_is_served_and_needs_a_known_scope():
    from gateway.scopes import ROUTE_SCOPES
    from services.common.context import API_KEY_SCOPES as SCOPES

    served = {(route.method, route.path) for route in ROUTES if route.auth}
    assert set(ROUTE_SCOPES) <= served
    assert set(ROUTE_SCOPES.values()) <= set(SCOPES)
