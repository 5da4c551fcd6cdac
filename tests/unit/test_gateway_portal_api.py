"""The API additions the client portal relies on, through the real routes and the
Dispatcher with fake services: GET /health/live and /limits, the `X-Kluis-Background`
header, the portal's fields of /me (second_factor, companies, read_only, look_along),
GET /me/products, a client's /mortgage-applications, GET /signing-requests/{id}, and
their place in the OpenAPI document."""
import pytest

import gateway.routes  # noqa: F401  (registers every route)
from gateway import principals
from gateway.http import BACKGROUND_HEADER, ROUTES, Dispatcher
from gateway.openapi import openapi_document
from gateway.uploads import MAX_UPLOAD_BYTES
from services.common.errors import NotFound

from .gateway_fakes import FakeService, identity, make_request, principal, send, services

TOKEN = "tok-" + "c" * 40
OFFICE = {"id": "off-1", "partner_id": "DP-1", "name": "Hypotheekhuis Utrecht",
          "city": "Utrecht"}
CLIENT_ME = {"id": "acc-1", "kind": "client", "name": "Jan", "email": "j@v.nl",
             "mobile": None, "language": "nl", "first_login": False, "offices": [],
             "active_office_id": None, "second_factor": None}


@pytest.fixture(scope="module")
def dispatcher():
    return Dispatcher(ROUTES)


def bearer(**headers):
    return {"Authorization": f"Bearer {TOKEN}", **headers}


def as_(who, **named):
    """Services for a caller whose token resolves to `who` (a principal dict)."""
    named.setdefault("identity", identity({TOKEN: who}))
    return services(**named)


def client(**extra):
    return {**principal("acc-1", kind="client"), **extra}


# -- health and limits -----------------------------------------------------------------------

def test_live_answers_without_asking_any_service(dispatcher):
    nobody = services(identity=FakeService())  # any RPC call would be a 500
    response, body = send(dispatcher, make_request("GET", "/health/live"), nobody)
    assert (response.status_code, body) == (200, {"status": "ok"})
    assert nobody.identity.calls == []


def test_limits_are_anonymous_and_say_what_the_api_accepts(dispatcher):
    response, body = send(dispatcher, make_request("GET", "/limits"), services())
    assert response.status_code == 200
    assert body["max_upload_bytes"] == MAX_UPLOAD_BYTES == 50 * 1024 * 1024
    assert {".pdf", ".jpg", ".jpeg", ".png", ".heic", ".docx", ".xlsx", ".txt"} <= \
        set(body["upload_extensions"])
    assert ".exe" not in body["upload_extensions"]
    assert {"application/pdf", "image/jpeg", "image/png"} <= set(body["upload_content_types"])
    assert body["uploads_in_flight"] == 4
    assert (body["message_subject_max"], body["message_body_max"]) == (200, 500)


def test_the_message_limits_are_the_ones_a_message_is_checked_against(dispatcher):
    _, limits = send(dispatcher, make_request("GET", "/limits"), services())
    dossier = FakeService(post_message={"id": "m-1"})
    fake = as_(client(), dossier=dossier)
    too_long = {"subject": "Vraag", "body": "x" * (limits["message_body_max"] + 1)}
    response, body = send(dispatcher, make_request("POST", "/dossiers/d-1/messages",
                                                   json_body=too_long, headers=bearer()), fake)
    assert (response.status_code, list(body["details"])) == (400, ["body"])
    subject = {"subject": "x" * (limits["message_subject_max"] + 1), "body": "Hallo"}
    response, body = send(dispatcher, make_request("POST", "/dossiers/d-1/messages",
                                                   json_body=subject, headers=bearer()), fake)
    assert (response.status_code, list(body["details"])) == (400, ["subject"])


# -- X-Kluis-Background: 1 -------------------------------------------------------------------

def touches(dispatcher, method, path, headers):
    """-> whether the request counted as activity (`touch` of identity.authenticate,
    asked afresh: no principal cached by the gateway)."""
    principals.cache.clear()
    fake = as_(client(), identity=identity({TOKEN: client()}, list_my_devices=[],
                                           describe_session={}, touch_session={},
                                           disable_second_step=None),
               dossier=FakeService(mark_message_read=None))
    body = {"password": "Klant-Wachtwoord-7"} if path == "/me/2fa" else None
    response, _ = send(dispatcher, make_request(method, path, json_body=body,
                                                headers=bearer(**headers)), fake)
    assert response.status_code < 300
    [(_args, kwargs)] = fake.identity.called("authenticate")
    return kwargs["touch"]


def test_a_background_read_does_not_count_as_activity(dispatcher):
    assert BACKGROUND_HEADER == "X-Kluis-Background"
    assert touches(dispatcher, "GET", "/me/devices", {}) is True
    assert touches(dispatcher, "GET", "/me/devices", {BACKGROUND_HEADER: "1"}) is False
    assert touches(dispatcher, "HEAD", "/me/devices", {BACKGROUND_HEADER: "1"}) is False


@pytest.mark.parametrize("value", ["0", "", "true", "yes", "2"])
def test_only_the_value_1_makes_a_read_background(dispatcher, value):
    assert touches(dispatcher, "GET", "/me/devices", {BACKGROUND_HEADER: value}) is True


@pytest.mark.parametrize("method, path", [("POST", "/auth/session/extend"),
                                          ("POST", "/messages/m-1/read"),
                                          ("DELETE", "/me/2fa")])
def test_a_write_with_the_header_still_counts(dispatcher, method, path):
    assert touches(dispatcher, method, path, {BACKGROUND_HEADER: "1"}) is True


# -- /me for the portal ----------------------------------------------------------------------

def me_of(dispatcher, who, me, companies=()):
    dossier = FakeService(lookup_offices=lambda office_ids=None: [
        o for o in [OFFICE] if o["id"] in (office_ids or [])],
        list_my_companies=list(companies))
    fake = as_(who, dossier=dossier, identity=identity({TOKEN: who}, describe_me=dict(me)))
    response, body = send(dispatcher, make_request("GET", "/me", headers=bearer()), fake)
    assert response.status_code == 200, body
    return body, dossier


def test_a_clients_me_says_second_factor_companies_and_that_nobody_looks_along(dispatcher):
    company = {"id": "cl-9", "name": "Bakkerij BV", "office_id": "off-1",
               "office_name": OFFICE["name"]}
    body, dossier = me_of(dispatcher, client(), {**CLIENT_ME, "second_factor": "sms"},
                          [company])
    assert body["second_factor"] == "sms"
    assert body["companies"] == [company]
    assert body["read_only"] is False and body["look_along"] is None
    assert len(dossier.called("list_my_companies")) == 1


def test_a_look_along_session_names_the_office_that_looks(dispatcher):
    looking = client(read_only=True, looked_along_by="staff-7", scope_office_id="off-1")
    body, _ = me_of(dispatcher, looking, CLIENT_ME)
    assert body["read_only"] is True
    assert body["look_along"] == {"office_id": "off-1", "office_name": OFFICE["name"]}
    assert body["offices"] == []  # the looking office is not one of the client's


def test_staff_have_no_companies_and_are_not_looked_along(dispatcher):
    staff_me = {**CLIENT_ME, "kind": "staff", "offices": [{"id": "off-1", "role": "owner"}],
                "active_office_id": "off-1"}
    body, dossier = me_of(dispatcher, principal("acc-2", kind="staff"), staff_me)
    assert "companies" not in body and dossier.called("list_my_companies") == []
    assert body["offices"] == [{"id": "off-1", "name": OFFICE["name"], "city": "Utrecht",
                                "role": "owner"}]
    assert (body["read_only"], body["look_along"]) == (False, None)


# -- products, applications, one signing request ---------------------------------------------

def test_my_products_are_the_clients_own_paged(dispatcher):
    products = [{"id": f"p-{n}", "kind": "mortgage", "office_name": OFFICE["name"]}
                for n in range(3)]
    dossier = FakeService(list_my_products=products)
    response, body = send(dispatcher, make_request("GET", "/me/products?limit=2",
                                                   headers=bearer()), as_(client(),
                                                                          dossier=dossier))
    assert response.status_code == 200
    assert body["items"] == products[:2] and body["next_cursor"]
    assert dossier.called("list_my_products") == [((), {})]


def test_a_client_asks_for_every_status_of_their_applications(dispatcher):
    dossier = FakeService(list_mortgage_applications=[{"id": "a-1", "status": "approved"}])
    response, body = send(dispatcher, make_request("GET", "/mortgage-applications?status=all",
                                                   headers=bearer()), as_(client(),
                                                                          dossier=dossier))
    assert response.status_code == 200 and body["items"] == [{"id": "a-1",
                                                              "status": "approved"}]
    assert dossier.called("list_mortgage_applications") == [((), {"status": "all"})]


def test_one_signing_request_is_asked_of_signing_and_unknown_is_404(dispatcher):
    found = {"id": "sr-1", "status": "pending"}
    signing = FakeService(get_signing_request=lambda request_id: found
                          if request_id == "sr-1" else (_ for _ in ()).throw(NotFound()))
    fake = as_(client(), signing=signing)
    response, body = send(dispatcher, make_request("GET", "/signing-requests/sr-1",
                                                   headers=bearer()), fake)
    assert (response.status_code, body) == (200, found)
    response, body = send(dispatcher, make_request("GET", "/signing-requests/sr-2",
                                                   headers=bearer()), fake)
    assert (response.status_code, body["error"]) == (404, "not_found")
    assert [args for args, _ in signing.called("get_signing_request")] == [("sr-1",), ("sr-2",)]


# -- the OpenAPI document --------------------------------------------------------------------

@pytest.fixture(scope="module")
def document():
    return openapi_document()


@pytest.mark.parametrize("method, path, anonymous", [
    ("get", "/me/products", False), ("get", "/limits", True), ("get", "/health/live", True),
    ("get", "/signing-requests/{request_id}", False), ("get", "/mortgage-applications", False),
])
def test_the_new_routes_are_in_the_openapi_document(document, method, path, anonymous):
    operation = document["paths"][path][method]
    assert "200" in operation["responses"]
    assert (not operation.get("security")) is anonymous


def test_the_new_fields_are_documented(document):
    schemas = document["components"]["schemas"]
    assert {"second_factor", "companies", "read_only", "look_along"} <= \
        set(schemas["Me"]["properties"])
    assert "now" in schemas["SessionState"]["properties"]
    assert {"max_upload_bytes", "upload_extensions", "upload_content_types",
            "uploads_in_flight", "message_subject_max", "message_body_max"} <= \
        set(schemas["Limits"]["properties"])
