"""The API additions the client portal relies on, through the real routes and the
Dispatcher with fake services: GET /health/live and /limits, the `X-Kluis-Background`
header, the portal's fields of /me (second_factor, companies, read_only, look_along),
GET /me/products, a client's /mortgage-applications, GET /signing-requests/{id}, and
their place in the OpenAPI document."""

import pytest

import gateway.routes  # noqa: F401  (registers every route)
from gateway import principals
from gateway.dispatch import BACKGROUND_HEADER, Dispatcher
from gateway.http import ROUTES
from gateway.openapi import openapi_document
from gateway.settings import SETTINGS
from services.common.errors import NotFound

from .gateway_fakes import FakeService, identity, make_request, principal, send, services

EMPTY_PAGE = {"items": [], "next_cursor": None}
TOKEN = "tok-" + "c" * 40
OFFICE = {"id": "off-1", "partner_id": "DP-1", "name": "Hypotheekhuis Utrecht", "city": "Utrecht"}
CLIENT_ME = {
    "id": "acc-1",
    "kind": "client",
    "name": "Jan",
    "email": "j@v.nl",
    "mobile": None,
    "language": "nl",
    "first_login": False,
    "offices": [],
    "active_office_id": None,
    "second_factor": None,
}


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
    assert body["max_upload_bytes"] == SETTINGS.max_upload_bytes == 50 * 1024 * 1024
    assert {".pdf", ".jpg", ".jpeg", ".png", ".heic", ".docx", ".xlsx", ".txt"} <= set(
        body["upload_extensions"]
    )
    assert ".exe" not in body["upload_extensions"]
    assert {"application/pdf", "image/jpeg", "image/png"} <= set(body["upload_content_types"])
    assert body["uploads_in_flight"] == 4
    assert (body["message_subject_max"], body["message_body_max"]) == (200, 500)


def test_the_message_limits_are_the_ones_a_message_is_checked_against(dispatcher):
    _, limits = send(dispatcher, make_request("GET", "/limits"), services())
    dossier = FakeService(post_message={"id": "m-1"})
    fake = as_(client(), dossier=dossier)
    too_long = {"subject": "Vraag", "body": "x" * (limits["message_body_max"] + 1)}
    response, body = send(
        dispatcher,
        make_request("POST", "/dossiers/d-1/messages", json_body=too_long, headers=bearer()),
        fake,
    )
    assert (response.status_code, list(body["details"])) == (400, ["body"])
    subject = {"subject": "x" * (limits["message_subject_max"] + 1), "body": "Hallo"}
    response, body = send(
        dispatcher,
        make_request("POST", "/dossiers/d-1/messages", json_body=subject, headers=bearer()),
        fake,
    )
    assert (response.status_code, list(body["details"])) == (400, ["subject"])


# -- X-Kluis-Background: 1 -------------------------------------------------------------------


def touches(dispatcher, method, path, headers):
    """-> whether the request counted as activity (`touch` of identity.authenticate,
    asked afresh: no principal cached by the gateway)."""
    principals.cache.clear()
    fake = as_(
        client(),
        identity=identity(
            {TOKEN: client()},
            list_my_devices=EMPTY_PAGE,
            describe_session={},
            touch_session={},
            disable_second_step=None,
        ),
        dossier=FakeService(mark_message_read=None),
    )
    body = {"password": "Klant-Wachtwoord-7"} if path == "/me/2fa" else None
    response, _ = send(
        dispatcher, make_request(method, path, json_body=body, headers=bearer(**headers)), fake
    )
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


@pytest.mark.parametrize(
    "method, path",
    [("POST", "/auth/session/extend"), ("POST", "/messages/m-1/read"), ("DELETE", "/me/2fa")],
)
def test_a_write_with_the_header_still_counts(dispatcher, method, path):
    assert touches(dispatcher, method, path, {BACKGROUND_HEADER: "1"}) is True


# -- /me for the portal ----------------------------------------------------------------------


def me_of(dispatcher, who, me, companies=()):
    dossier = FakeService(
        lookup_offices=lambda office_ids=None: [
            o for o in [OFFICE] if o["id"] in (office_ids or [])
        ],
        list_my_companies=list(companies),
    )
    fake = as_(who, dossier=dossier, identity=identity({TOKEN: who}, describe_me=dict(me)))
    response, body = send(dispatcher, make_request("GET", "/me", headers=bearer()), fake)
    assert response.status_code == 200, body
    return body, dossier


def test_a_clients_me_says_second_factor_companies_and_that_nobody_looks_along(dispatcher):
    company = {
        "id": "cl-9",
        "name": "Bakkerij BV",
        "office_id": "off-1",
        "office_name": OFFICE["name"],
    }
    body, dossier = me_of(dispatcher, client(), {**CLIENT_ME, "second_factor": "sms"}, [company])
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
    staff_me = {
        **CLIENT_ME,
        "kind": "staff",
        "offices": [{"id": "off-1", "role": "owner"}],
        "active_office_id": "off-1",
    }
    body, dossier = me_of(dispatcher, principal("acc-2", kind="staff"), staff_me)
    assert "companies" not in body and dossier.called("list_my_companies") == []
    assert body["offices"] == [
        {"id": "off-1", "name": OFFICE["name"], "city": "Utrecht", "role": "owner"}
    ]
    assert (body["read_only"], body["look_along"]) == (False, None)


# -- products, applications, one signing request ---------------------------------------------


def test_my_products_are_the_clients_own_paged_by_dossier(dispatcher):
    products = {
        "items": [
            {"id": f"p-{n}", "kind": "mortgage", "office_name": OFFICE["name"]} for n in range(2)
        ],
        "next_cursor": "c2.sig",
    }
    dossier = FakeService(list_my_products=products)
    response, body = send(
        dispatcher,
        make_request("GET", "/me/products?limit=2&cursor=c1.sig", headers=bearer()),
        as_(client(), dossier=dossier),
    )
    assert response.status_code == 200 and body == products
    assert dossier.called("list_my_products") == [((), {"limit": 2, "cursor": "c1.sig"})]


def test_a_client_asks_for_every_status_of_their_applications(dispatcher):
    page = {"items": [{"id": "a-1", "status": "approved"}], "next_cursor": None}
    dossier = FakeService(list_mortgage_applications=page)
    response, body = send(
        dispatcher,
        make_request("GET", "/mortgage-applications?status=all", headers=bearer()),
        as_(client(), dossier=dossier),
    )
    assert response.status_code == 200 and body == page
    assert dossier.called("list_mortgage_applications") == [
        ((), {"status": "all", "limit": 50, "cursor": None})
    ]


def test_one_signing_request_is_asked_of_signing_and_unknown_is_404(dispatcher):
    found = {"id": "sr-1", "status": "pending"}
    signing = FakeService(
        get_signing_request=lambda request_id: (
            found if request_id == "sr-1" else (_ for _ in ()).throw(NotFound())
        )
    )
    fake = as_(client(), signing=signing)
    response, body = send(
        dispatcher, make_request("GET", "/signing-requests/sr-1", headers=bearer()), fake
    )
    assert (response.status_code, body) == (200, found)
    response, body = send(
        dispatcher, make_request("GET", "/signing-requests/sr-2", headers=bearer()), fake
    )
    assert (response.status_code, body["error"]) == (404, "not_found")
    assert [args for args, _ in signing.called("get_signing_request")] == [("sr-1",), ("sr-2",)]


# -- the client's actions: three services' pages, one after the other --------------------------


def paged(name, items):
    """A service's paged list over `items`; its cursor `name@offset` stands in for the
    signed one (which the service checks; the gateway only carries it)."""

    def page(limit, cursor=None):
        start = int(cursor.split("@")[1]) if cursor else 0
        return {
            "items": items[start : start + limit],
            "next_cursor": f"{name}@{start + limit}" if start + limit < len(items) else None,
        }

    return page


def actions_of(questionnaires, requests, signatures):
    return as_(
        client(),
        dossier=FakeService(client_actions=paged("q", questionnaires)),
        documents=FakeService(client_open_requests=paged("r", requests)),
        signing=FakeService(pending_signatures=paged("s", signatures)),
    )


def walk_actions(dispatcher, fake, limit):
    found, cursor = [], None
    while True:
        query = f"?limit={limit}" + (f"&cursor={cursor}" if cursor else "")
        response, body = send(
            dispatcher, make_request("GET", "/actions" + query, headers=bearer()), fake
        )
        assert response.status_code == 200 and 0 < len(body["items"]) <= limit
        found.append(body["items"])
        cursor = body["next_cursor"]
        if cursor is None:
            return found


@pytest.mark.parametrize("limit", [1, 2, 3, 5, 200])
def test_actions_page_through_each_service_in_turn_without_an_empty_page(dispatcher, limit):
    questionnaires, requests, signatures = ["q1", "q2"], ["r1", "r2", "r3"], ["s1"]
    fake = actions_of(questionnaires, requests, signatures)
    pages = walk_actions(dispatcher, fake, limit)
    assert [a for page in pages for a in page] == questionnaires + requests + signatures
    assert all(len(page) == limit for page in pages[:-1])
    for service, method in (
        ("dossier", "client_actions"),
        ("documents", "client_open_requests"),
        ("signing", "pending_signatures"),
    ):
        assert all(
            1 <= kwargs["limit"] <= limit for _, kwargs in getattr(fake, service).called(method)
        )


def test_actions_ending_on_a_sources_last_item_end_there(dispatcher):
    assert walk_actions(dispatcher, actions_of(["q1", "q2"], [], []), 2) == [["q1", "q2"]]
    assert walk_actions(dispatcher, actions_of([], ["r1"], []), 1) == [["r1"]]
    response, body = send(
        dispatcher, make_request("GET", "/actions", headers=bearer()), actions_of([], [], [])
    )
    assert (response.status_code, body) == (200, {"items": [], "next_cursor": None})


def test_an_actions_cursor_naming_no_source_is_400(dispatcher):
    fake = actions_of(["q1"], ["r1"], ["s1"])
    for bad in ("q@1", "3:", "-1:x", "x:q@1", "01:"):
        response, body = send(
            dispatcher,
            make_request(
                "GET", "/actions", query_string={"limit": 1, "cursor": bad}, headers=bearer()
            ),
            fake,
        )
        assert (response.status_code, list(body["details"])) == (400, ["cursor"]), bad
    assert fake.dossier.calls == fake.documents.calls == fake.signing.calls == []


def test_home_adds_the_open_actions_each_service_counts(dispatcher):
    fake = as_(
        client(),
        dossier=FakeService(client_home={"dossiers": {"in_progress": 1, "total": 2}, "actions": 2}),
        documents=FakeService(count_client_open_requests=3),
        signing=FakeService(count_pending_signatures=1),
    )
    response, body = send(dispatcher, make_request("GET", "/home", headers=bearer()), fake)
    assert (response.status_code, body) == (
        200,
        {"dossiers": {"in_progress": 1, "total": 2}, "actions": 6},
    )


# -- the OpenAPI document --------------------------------------------------------------------


@pytest.fixture(scope="module")
def document():
    return openapi_document()


@pytest.mark.parametrize(
    "method, path, anonymous",
    [
        ("get", "/me/products", False),
        ("get", "/limits", True),
        ("get", "/health/live", True),
        ("get", "/signing-requests/{request_id}", False),
        ("get", "/mortgage-applications", False),
    ],
)
def test_the_new_routes_are_in_the_openapi_document(document, method, path, anonymous):
    operation = document["paths"][path][method]
    assert "200" in operation["responses"]
    assert (not operation.get("security")) is anonymous


def test_the_new_fields_are_documented(document):
    schemas = document["components"]["schemas"]
    assert {"second_factor", "companies", "read_only", "look_along"} <= set(
        schemas["Me"]["properties"]
    )
    assert "now" in schemas["SessionState"]["properties"]
    assert {
        "max_upload_bytes",
        "upload_extensions",
        "upload_content_types",
        "uploads_in_flight",
        "message_subject_max",
        "message_body_max",
    } <= set(schemas["Limits"]["properties"])
