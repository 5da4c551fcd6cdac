"""The web portal's static files (built from web/ into web/dist), on the same origin as
the API. Every path outside /api/ is the portal: a file of the build when one exists,
else `index.html`, whose client-side router knows the page (`/activate`, `/dossiers/...`).

Every answer carries the portal's security headers: a strict Content-Security-Policy
(nothing from another origin, no inline script), no referrer, no framing."""

import mimetypes
import os
from pathlib import Path

from werkzeug.security import safe_join
from werkzeug.wrappers import Response

from .settings import SETTINGS

ROOT = Path(__file__).resolve().parents[1]
WEB_DIR = Path(SETTINGS.web_dir or ROOT / "web" / "dist")

# blob: is the portal's own downloads (a document fetched with the bearer token and
# handed to the browser as an object URL, opened in a tab of its own); data: is the small
# images CSS may inline.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data: blob:",
        "font-src 'self'",
        "connect-src 'self'",
        "frame-src 'none'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "worker-src 'self'",
        "manifest-src 'self'",
    ]
)

SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
}

NOT_BUILT = (
    '<!doctype html><html lang="en"><meta charset="utf-8"><title>Kluis</title>'
    "<p>The portal has not been built. <code>make run</code> builds it "
    "(it needs Node.js 20 and npm).</p></html>"
)


def is_portal_path(path):
    """Everything but the API is the portal."""
    return not (path == "/api" or path.startswith("/api/"))


def serve(request, web_dir=None):
    """The file for `request.path`, or index.html for a client-side route."""
    web_dir = Path(web_dir or WEB_DIR)
    if request.method not in ("GET", "HEAD"):
        return _secured(
            Response(
                "Method not allowed",
                status=405,
                headers={"Allow": "GET, HEAD"},
                mimetype="text/plain",
            )
        )
    index = web_dir / "index.html"
    if not index.is_file():
        return _secured(Response(NOT_BUILT, status=503, mimetype="text/html"))
    found, inside = _build_file(web_dir, request.path)
    if found:
        return _file(request, found, immutable=inside.startswith("assets/"))
    if request.path.startswith("/assets/"):  # a missing bundle file is a 404, not the page
        return _secured(Response("Not found", status=404, mimetype="text/plain"))
    return _file(request, index, immutable=False)


def api_reference(request, web_dir=None):
    """The API reference page (Swagger UI over /api/v1/openapi.json, built from web/ as
    `api-docs.html`), under the same security headers as every page of the portal."""
    page = Path(web_dir or WEB_DIR) / "api-docs.html"
    if not page.is_file():
        return _secured(Response(NOT_BUILT, status=503, mimetype="text/html"))
    return _file(request, page, immutable=False)


def _build_file(web_dir, path):
    """-> (the file of the build that `path` names, its path inside the build), judged
    after normalising (`/assets/../.sources` is `.sources`): never outside the build,
    never a dotfile; (None, None) otherwise."""
    relative = path.lstrip("/")
    found = safe_join(str(web_dir), relative) if relative else None
    if not found or not os.path.isfile(found):
        return None, None
    inside = Path(os.path.normpath(found)).relative_to(os.path.normpath(web_dir))
    if any(part.startswith(".") for part in inside.parts):
        return None, None
    return Path(found), inside.as_posix()


def _file(request, path, immutable):
    content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    if content_type.startswith("text/") or content_type in (
        "application/javascript",
        "application/json",
        "application/manifest+json",
        "image/svg+xml",
    ):
        content_type += "; charset=utf-8"
    response = Response(path.read_bytes(), content_type=content_type)
    # Bundles carry a content hash in their name; everything else is asked again.
    response.headers["Cache-Control"] = (
        "public, max-age=31536000, immutable" if immutable else "no-cache"
    )
    response.add_etag()
    response.make_conditional(request)
    return _secured(response)


def _secured(response):
    for name, value in SECURITY_HEADERS.items():
        response.headers[name] = value
    return response


mimetypes.add_type("application/javascript", ".js")
mimetypes.add_type("application/manifest+json", ".webmanifest")
mimetypes.add_type("image/svg+xml", ".svg")
mimetypes.add_type("font/woff2", ".woff2")
