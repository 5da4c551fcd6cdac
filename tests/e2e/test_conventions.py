"""docs/api.md "Conventions" and "Health, limits and docs", through HTTP."""

import signal

import requests

from .conftest import ADMIN_EMAIL

API_MD_ROUTES = [
    ("post", "/auth/login"),
    ("get", "/auth/session"),
    ("post", "/auth/session/extend"),
    ("post", "/auth/logout"),
    ("post", "/auth/password/forgot"),
    ("post", "/auth/password/reset"),
    ("get", "/health"),
    ("get", "/openapi.json"),
    ("get", "/me"),
    ("patch", "/me"),
    ("post", "/auth/device/challenge"),
    ("post", "/auth/device/login"),
    ("post", "/auth/app-login"),
    ("post", "/auth/app-login/{login_id}/approve"),
    ("post", "/auth/app-login/{login_id}/token"),
    ("post", "/registrations"),
    ("post", "/registrations/{registration_id}/identify"),
    ("post", "/registrations/{registration_id}/verify"),
    ("get", "/registrations/{registration_id}"),
    ("delete", "/registrations/{registration_id}"),
    ("post", "/registrations/{registration_id}/complete"),
    ("get", "/offices/{office_id}/registration-requests"),
    ("post", "/registrations/{registration_id}/approve"),
    ("post", "/registrations/{registration_id}/reject"),
    ("get", "/me/devices"),
    ("delete", "/me/devices/{device_id}"),
    ("post", "/offices"),
    ("get", "/offices"),
    ("post", "/offices/{office_id}/staff"),
    ("get", "/offices/{office_id}/staff"),
    ("patch", "/offices/{office_id}/staff/{person_id}"),
    ("delete", "/offices/{office_id}/staff/{person_id}"),
    ("put", "/me/active-office"),
    ("post", "/offices/{office_id}/clients"),
    ("get", "/clients"),
    ("get", "/clients/{client_id}"),
    ("patch", "/clients/{client_id}"),
    ("get", "/me/consents"),
    ("put", "/me/consents/{office_id}"),
    ("post", "/clients/{client_id}/products"),
    ("get", "/clients/{client_id}/products"),
    ("post", "/clients/{client_id}/mortgage-applications"),
    ("get", "/mortgage-applications"),
    ("post", "/clients/{client_id}/invitation"),
    ("post", "/clients/{client_id}/invitation/resend"),
    ("get", "/clients/{client_id}/invitation"),
    ("post", "/activation"),
    ("post", "/activation/complete"),
    ("post", "/clients/{client_id}/unlink"),
    ("post", "/clients/{client_id}/look-along"),
    ("get", "/me/accounts"),
    ("post", "/me/accounts"),
    ("get", "/me/accounts/{account_id}"),
    ("delete", "/me/accounts/{account_id}"),
    ("post", "/me/2fa/sms"),
    ("post", "/me/2fa/sms/confirm"),
    ("delete", "/me/2fa"),
    ("post", "/auth/login/2fa"),
    ("get", "/me/notification-preferences"),
    ("put", "/me/notification-preferences"),
    ("post", "/clients/{client_id}/dossiers"),
    ("get", "/dossiers"),
    ("get", "/dossiers/{dossier_id}"),
    ("patch", "/dossiers/{dossier_id}"),
    ("get", "/home"),
    ("get", "/actions"),
    ("get", "/dossiers/{dossier_id}/audit"),
    ("get", "/me/audit"),
    ("post", "/questionnaire-templates"),
    ("post", "/dossiers/{dossier_id}/questionnaires"),
    ("get", "/questionnaires/{questionnaire_id}"),
    ("put", "/questionnaires/{questionnaire_id}/pages/{number}"),
    ("post", "/questionnaires/{questionnaire_id}/complete"),
    ("post", "/dossiers/{dossier_id}/documents"),
    ("get", "/dossiers/{dossier_id}/documents"),
    ("get", "/documents/{document_id}/content"),
    ("patch", "/documents/{document_id}"),
    ("post", "/dossiers/{dossier_id}/requests"),
    ("get", "/dossiers/{dossier_id}/requests"),
    ("post", "/requests/{request_id}/uploads"),
    ("post", "/requests/{request_id}/review"),
    ("get", "/tasks"),
    ("post", "/tasks/{task_id}/done"),
    ("post", "/dossiers/{dossier_id}/attachments"),
    ("delete", "/attachments/{attachment_id}"),
    ("post", "/dossiers/{dossier_id}/messages"),
    ("get", "/dossiers/{dossier_id}/messages"),
    ("post", "/messages/{message_id}/reply"),
    ("post", "/messages/{message_id}/read"),
    ("post", "/documents/{document_id}/signing-requests"),
    ("get", "/signing-requests"),
    ("post", "/signing-requests/{request_id}/sign"),
    ("get", "/signing-requests/{request_id}/evidence"),
    ("post", "/signatures/verify"),
    ("get", "/health/live"),
]  # docs/api.md "Health, limits and docs"


def test_health_answers_for_all_five_services(any_kluis):
    response = any_kluis.client().get("/health")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "services": {
            name: "ok" for name in ("identity", "dossier", "documents", "notify", "signing")
        },
    }
    assert response.headers["Content-Type"] == "application/json; charset=utf-8"


def test_every_response_carries_a_request_id_and_no_store(kluis):
    client = kluis.client()
    for response in (
        client.get("/health"),
        client.get("/nowhere"),
        client.post("/auth/login", json={}),
    ):
        assert len(response.headers["X-Request-ID"]) >= 16
        assert response.headers["Cache-Control"] == "no-store"
    first, second = client.get("/health"), client.get("/health")
    assert first.headers["X-Request-ID"] != second.headers["X-Request-ID"]
    echoed = client.get("/health", headers={"X-Request-ID": "trace-1234567890"})
    assert echoed.headers["X-Request-ID"] == "trace-1234567890"


def test_unknown_route_is_a_json_404(kluis):
    for path in ("/nowhere", "/auth", "/../etc/passwd"):
        response = kluis.client().get(path)
        assert response.status_code == 404
        assert response.json()["error"] == "not_found"
    for path in ("/api/v2/health", "/api", "/api/"):
        outside = requests.get(kluis.base_url.replace("/api/v1", path), timeout=10)
        assert outside.status_code == 404 and outside.json()["error"] == "not_found", path


def test_wrong_method_is_405_with_allow(kluis):
    response = kluis.client().request("DELETE", "/health")
    assert response.status_code == 405
    assert response.json()["error"] == "method_not_allowed"
    assert set(response.headers["Allow"].replace(" ", "").split(",")) == {"GET", "HEAD"}
    login = kluis.client().get("/auth/login")
    assert login.status_code == 405 and "POST" in login.headers["Allow"]
    options = kluis.client().request("OPTIONS", "/auth/login")
    assert options.status_code == 204 and "POST" in options.headers["Allow"]


def test_unknown_and_malformed_fields_are_400_and_change_nothing(kluis):
    client = kluis.client(language="en")
    unknown = client.post(
        "/auth/login", json={"email": ADMIN_EMAIL, "password": "x", "remember": True}
    )
    assert unknown.status_code == 400
    assert unknown.json() == {
        "error": "validation_error",
        "message": "The input is not valid.",
        "details": {"remember": ["Unknown field."]},
    }
    missing = client.post("/auth/login", json={"email": ADMIN_EMAIL})
    assert missing.json()["details"] == {"password": ["Missing data for required field."]}
    wrong_type = client.post("/auth/login", json={"email": 42, "password": ["x"]})
    assert set(wrong_type.json()["details"]) == {"email", "password"}
    not_json = client.post(
        "/auth/login", data="{email:", headers={"Content-Type": "application/json"}
    )
    assert not_json.status_code == 400 and not_json.json()["details"] == {
        "_body": ["Invalid JSON."]
    }
    array = client.post("/auth/login", json=[1, 2])
    assert array.status_code == 400
    no_body_route = kluis.admin().post("/auth/session/extend", json={"status": "closed"})
    assert no_body_route.status_code == 400
    assert no_body_route.json()["details"] == {"status": ["Onbekend veld."]}
    assert client.get("/auth/session").status_code == 401  # nothing was signed in


def test_content_type_and_size_limits(kluis):
    client = kluis.client()
    form = client.post("/auth/login", data={"email": ADMIN_EMAIL, "password": "x"})
    assert form.status_code == 415 and form.json()["error"] == "unsupported_media_type"
    assert "application/json" in form.json()["message"]  # what to send, not which files
    huge = client.post("/auth/login", json={"email": ADMIN_EMAIL, "password": "x" * 70000})
    assert huge.status_code == 413 and huge.json()["error"] == "request_too_large"


def test_a_chunked_json_body_is_read(kluis):
    def chunks():
        yield b'{"email": "nobody@voorbeeld.nl",'
        yield b' "password": "Wrong-Password-1"}'

    response = kluis.client(language="en").post(
        "/auth/login", data=chunks(), headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 401
    assert response.json()["error"] == "invalid_credentials"


def test_messages_follow_the_callers_language(kluis):
    anonymous_nl = kluis.client(language="nl-NL,nl;q=0.9,en;q=0.5").get("/auth/session")
    anonymous_en = kluis.client(language="en-GB,en;q=0.9").get("/auth/session")
    default = kluis.client().get("/auth/session")
    assert anonymous_nl.json()["message"] == "U bent niet ingelogd."
    assert anonymous_en.json()["message"] == "You are not signed in."
    assert default.json()["message"] == "U bent niet ingelogd."
    address = kluis.create_client(language="nl")
    client = kluis.client(kluis.login(address, "Klant-Wachtwoord-7"), language="en")
    dutch = client.patch("/me", json={"language": "fr"})
    assert dutch.status_code == 400 and dutch.json()["message"] == "De invoer is niet geldig."
    assert client.patch("/me", json={"language": "en"}).json()["language"] == "en"
    english = kluis.client(client.session.headers["Authorization"].split()[1], language="nl").patch(
        "/me", json={"language": "fr"}
    )
    assert english.json()["message"] == "The input is not valid."


def test_openapi_is_generated_from_the_validating_schemas(kluis):
    response = kluis.client().get("/openapi.json")
    assert response.status_code == 200
    document = response.json()
    assert document["openapi"].startswith("3.")
    for method, path in API_MD_ROUTES:
        assert method in document["paths"][path], (method, path)
    login = document["paths"]["/auth/login"]["post"]
    schema = login["requestBody"]["content"]["application/json"]["schema"]
    assert "$ref" in schema
    component = document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    assert set(component["required"]) == {"email", "password"}
    assert component["properties"]["email"]["format"] == "email"
    assert document["paths"]["/me"]["get"]["security"] == [{"bearer": []}]


def test_health_is_503_naming_a_service_that_is_down(kluis):
    kluis.system.stop("signing", signal.SIGKILL)
    try:
        response = kluis.client().get("/health")
        assert response.status_code == 503
        body = response.json()
        assert body["services"]["signing"] in ("unavailable", "timeout")
        assert all(
            body["services"][name] == "ok"
            for name in ("identity", "dossier", "documents", "notify")
        )
    finally:
        kluis.system.start("signing")
        kluis.system.wait_healthy(60)
    assert kluis.client().get("/health").status_code == 200
