"""docs/api.md "The portal": `/` and every non-API path is the web portal
(gateway/portal.py), built files from a folder, `index.html` for client-side routes,
with a strict CSP and no referrer. Driven with werkzeug requests against a temporary
build folder; no server, no Node.js."""

import re
from types import SimpleNamespace

import pytest
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request

from gateway import portal
from gateway import service as gateway_service

from .gateway_fakes import FakeService, FakeWorkerCtx, services

INDEX = (
    b"<!doctype html><html><head><script type=module src=/assets/app-123.js></script>"
    b"</head><body><div id=app></div></body></html>"
)
BUNDLE = b"console.log('kluis')\n"
IMMUTABLE = "public, max-age=31536000, immutable"


@pytest.fixture
def build(tmp_path):
    """A portal build (web/dist) in a folder of its own, with a secret beside it."""
    dist = tmp_path / "dist"
    (dist / "assets").mkdir(parents=True)
    (dist / "index.html").write_bytes(INDEX)
    (dist / "assets" / "app-123.js").write_bytes(BUNDLE)
    (dist / "assets" / "app-123.css").write_bytes(b"body{margin:0}")
    (dist / "favicon.svg").write_bytes(b"<svg xmlns='http://www.w3.org/2000/svg'/>")
    (dist / ".sources").write_text("the hash of the sources")
    (dist / ".hidden").write_text("a dotfile")
    (tmp_path / "secret").write_text("outside the build")
    return dist


def request(path, method="GET", headers=None, raw_path=None):
    environ = EnvironBuilder(path=path, method=method, headers=headers).get_environ()
    if raw_path is not None:  # what a WSGI server hands on, not re-parsed as a URL
        environ["PATH_INFO"] = raw_path
    return Request(environ)


def serve(build, path, **kwargs):
    response = portal.serve(request(path, **kwargs), web_dir=build)
    response.direct_passthrough = False  # read the body of a file response too
    return response


def sent_body(response, path="/"):
    """The bytes that go out on the wire (none for a 304, whatever the object holds)."""
    return b"".join(response.get_app_iter(request(path).environ))


def directives(response):
    policy = response.headers["Content-Security-Policy"]
    parts = [part.split() for part in policy.split(";") if part.strip()]
    return {part[0]: part[1:] for part in parts}


# -- what is served --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/dossiers/abc",
        "/activate?token=x",
        "/set-password?token=y&sms=1",
        "/dossiers/abc/messages/",
        "/app",
    ],
)
def test_the_root_and_client_side_routes_get_index_html(build, path):
    response = serve(build, path)
    assert response.status_code == 200
    assert response.get_data() == INDEX
    assert response.mimetype == "text/html"
    assert response.headers["Cache-Control"] == "no-cache"
    assert response.headers["ETag"]


def test_a_built_file_is_served_with_its_type_and_cached_for_good(build):
    response = serve(build, "/assets/app-123.js")
    assert response.status_code == 200
    assert response.get_data() == BUNDLE
    assert response.headers["Content-Type"] == "application/javascript; charset=utf-8"
    assert response.headers["Cache-Control"] == IMMUTABLE
    css = serve(build, "/assets/app-123.css")
    assert css.headers["Content-Type"] == "text/css; charset=utf-8"
    assert css.headers["Cache-Control"] == IMMUTABLE


def test_a_file_outside_assets_is_served_but_asked_for_again(build):
    response = serve(build, "/favicon.svg")
    assert response.status_code == 200
    assert response.mimetype == "image/svg+xml"
    assert response.headers["Cache-Control"] == "no-cache"


def test_index_html_is_revalidated_by_its_etag(build):
    first = serve(build, "/dossiers/abc")
    etag = first.headers["ETag"]
    again = serve(build, "/", headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert sent_body(again) == b""
    assert again.headers["Content-Security-Policy"] == portal.CONTENT_SECURITY_POLICY
    (build / "index.html").write_bytes(INDEX.replace(b"app-123", b"app-456"))
    changed = serve(build, "/", headers={"If-None-Match": etag})
    assert changed.status_code == 200 and b"app-456" in changed.get_data()
    assert changed.headers["ETag"] != etag


@pytest.mark.parametrize("path", ["/assets/x.js", "/assets/app-999.css", "/assets/"])
def test_a_missing_bundle_file_is_404_not_the_page(build, path):
    response = serve(build, path)
    assert response.status_code == 404
    assert response.get_data() != INDEX


# -- what is never served --------------------------------------------------------------------


@pytest.mark.parametrize(
    "path, raw_path",
    [
        ("/../secret", None),
        ("/%2e%2e/secret", None),
        ("/assets/../../secret", None),
        ("/dossiers/../../secret", None),
        ("/x", "//../secret"),
        ("/x", "/..%2fsecret"),
        ("/.hidden", None),
        ("/.sources", None),
        ("/%2ehidden", None),
        ("/assets/../.hidden", None),
        ("/assets/../.sources", None),
    ],
)
def test_no_file_outside_the_build_nor_a_dotfile_is_ever_served(build, path, raw_path):
    response = serve(build, path, raw_path=raw_path)
    body = response.get_data()
    assert b"outside the build" not in body
    assert b"a dotfile" not in body and b"the hash of the sources" not in body
    assert response.status_code in (200, 404)
    if response.status_code == 200:  # at most the page itself, for the router to refuse
        assert body == INDEX


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE"])
def test_writes_are_405_with_allow(build, method):
    response = serve(build, "/dossiers/abc", method=method)
    assert response.status_code == 405
    assert {m.strip() for m in response.headers["Allow"].split(",")} == {"GET", "HEAD"}


def test_head_answers_like_get(build):
    assert serve(build, "/", method="HEAD").status_code == 200
    assert serve(build, "/assets/app-123.js", method="HEAD").headers["Cache-Control"] == IMMUTABLE


def test_no_build_is_503_with_one_line_of_html_that_says_how(tmp_path):
    empty = tmp_path / "dist"
    empty.mkdir()
    for path in ("/", "/dossiers/abc", "/assets/app-123.js"):
        response = serve(empty, path)
        assert response.status_code == 503
        assert response.mimetype == "text/html"
        text = response.get_data(as_text=True)
        assert "\n" not in text.strip()
        assert "make run" in text and "Node.js" in text


# -- the headers of every answer -------------------------------------------------------------

ANSWERS = [
    ("/", {}),
    ("/dossiers/abc", {}),
    ("/assets/app-123.js", {}),
    ("/assets/x.js", {}),
    ("/../secret", {}),
    ("/", {"method": "POST"}),
]


@pytest.mark.parametrize("path, kwargs", ANSWERS + [("/", {"no_build": True})], ids=str)
def test_every_answer_carries_the_security_headers(build, tmp_path, path, kwargs):
    kwargs = dict(kwargs)
    folder = tmp_path / "nothing-built" if kwargs.pop("no_build", False) else build
    folder.mkdir(exist_ok=True)
    response = serve(folder, path, **kwargs)
    policy = directives(response)
    assert policy["default-src"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["script-src"] == ["'self'"] and policy["object-src"] == ["'none'"]
    everything = response.headers["Content-Security-Policy"]
    assert "'unsafe-inline'" not in everything and "'unsafe-eval'" not in everything
    assert "*" not in everything and "http:" not in everything
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_a_conditional_answer_carries_them_too(build):
    etag = serve(build, "/").headers["ETag"]
    response = serve(build, "/", headers={"If-None-Match": etag})
    assert response.status_code == 304
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert response.headers["X-Frame-Options"] == "DENY"


# -- where the API ends and the portal begins ------------------------------------------------


@pytest.mark.parametrize(
    "path, is_portal",
    [
        ("/api/v1/x", False),
        ("/api/v1/health", False),
        ("/api", False),
        ("/api/", False),
        ("/api/v2/health", False),
        ("/apix", True),
        ("/api-docs", True),
        ("/", True),
        ("/dossiers/api", True),
        ("/activate", True),
    ],
)
def test_everything_but_the_api_is_the_portal(path, is_portal):
    assert portal.is_portal_path(path) is is_portal


def test_the_gateway_sends_api_paths_to_the_dispatcher_and_the_rest_to_the_portal(
    build, monkeypatch
):
    monkeypatch.setattr(portal, "WEB_DIR", build)
    gateway = SimpleNamespace(worker_ctx=FakeWorkerCtx(), **vars(services(dossier=FakeService())))
    page = gateway_service.GatewayService.serve(gateway, request("/dossiers/abc"), "dossiers/abc")
    assert page.status_code == 200 and page.get_data() == INDEX
    root = gateway_service.GatewayService.serve_root(gateway, request("/"))
    assert root.status_code == 200 and root.get_data() == INDEX
    live = gateway_service.GatewayService.serve(
        gateway, request("/api/v1/health/live"), "api/v1/health/live"
    )
    assert live.status_code == 200 and live.json == {"status": "ok"}
    assert "Content-Security-Policy" not in live.headers
    for path in ("/api", "/api/", "/api/v1/nothing-here"):
        missing = gateway_service.GatewayService.serve(gateway, request(path), path[1:])
        assert missing.status_code == 404 and missing.json["error"] == "not_found", path


# -- the API reference (GET /api/v1/docs) -----------------------------------------------------

REFERENCE = (
    b"<!doctype html><title>Kluis API reference</title>"
    b"<script type=module src=/assets/reference-1.js></script><div id=reference></div>"
)


def get_reference(build, monkeypatch):
    from gateway.dispatch import Dispatcher
    from gateway.http import ROUTES
    from gateway.routes import system  # noqa: F401  (registers GET /docs)

    from .gateway_fakes import make_request

    monkeypatch.setattr(portal, "WEB_DIR", build)
    response = Dispatcher(ROUTES).dispatch(
        make_request("GET", "/docs"), services(), FakeWorkerCtx()
    )
    response.direct_passthrough = False
    return response


def test_the_api_reference_is_the_built_page_under_the_portals_headers(build, monkeypatch):
    (build / "api-docs.html").write_bytes(REFERENCE)
    response = get_reference(build, monkeypatch)
    assert response.status_code == 200 and response.get_data() == REFERENCE
    assert response.headers["Content-Type"] == "text/html; charset=utf-8"
    for name, value in portal.SECURITY_HEADERS.items():
        assert response.headers[name] == value
    assert response.headers["Cache-Control"] == "no-store"


def test_the_api_reference_unbuilt_is_503_saying_how(build, monkeypatch):
    response = get_reference(build, monkeypatch)
    assert response.status_code == 503 and b"make run" in response.get_data()
    assert response.headers["Content-Security-Policy"] == portal.CONTENT_SECURITY_POLICY


def test_the_api_reference_page_names_no_other_origin():
    """The page's source (web/api-docs.html, src/api-docs.ts): Swagger UI comes from npm
    into the build, the document from this origin; no CDN, no validator badge."""
    web = portal.ROOT / "web"
    for source in (web / "api-docs.html", web / "src" / "api-docs.ts"):
        assert not re.search(r"https?:|//\w", source.read_text())  # comments ("// ") aside
    assert "validatorUrl: null" in (web / "src" / "api-docs.ts").read_text()
