"""What a route sees of the HTTP conventions of docs/api.md: registration (`@route`),
the `Call` it gets, strict JSON bodies and queries, paging, JSON responses, and the
gateway's own errors. The `Dispatcher` (gateway/dispatch.py) applies the rest.

A route is a plain function registered with `@route(...)` in `gateway/routes/`; it
gets a `Call` and returns `(status, body)` or a werkzeug `Response`."""

import json
from dataclasses import dataclass, field

from marshmallow import Schema, ValidationError
from werkzeug.wrappers import Response

from services.common.context import Principal
from services.common.errors import KluisError, ValidationFailed

API_PREFIX = "/api/v1"
MAX_JSON_BYTES = 64 * 1024
LANGUAGES = ["nl", "en"]


class UnsupportedMediaType(KluisError):
    code = "unsupported_media_type"


class JsonRequired(UnsupportedMediaType):
    """A JSON route's body sent as something else, or without a Content-Type: the same
    415 `unsupported_media_type`, with a text that names what to send."""

    message_key = "json_required"


class MultipartRequired(UnsupportedMediaType):
    """An upload route's body sent as something other than multipart/form-data."""

    message_key = "multipart_required"


class RequestTooLarge(KluisError):
    code = "request_too_large"


class MethodNotAllowedHere(KluisError):
    code = "method_not_allowed"


class NoBody(Schema):
    """For routes that take no body: any field sent is unknown (400)."""


@dataclass(eq=False)
class Route:
    method: str
    path: str
    handler: object
    auth: bool = True
    touch: bool = True
    body: type = NoBody
    query: type = NoBody
    responses: dict = field(default_factory=dict)  # status -> (description, schema|None)
    tag: str = "kluis"
    read_only_ok: bool = False  # a write that a read-only (look-along) session may make
    form: type = None  # a multipart upload: `file` plus these fields (gateway/uploads.py)
    # A write that can change who may do what (False only for writes that surely cannot:
    # the frequent ones, such as messages, uploads, answers). After one of these succeeds,
    # this gateway forgets every principal it keeps (principals.py).
    changes_access: bool = True
    # A body that is not JSON, of one of these media types, which the handler reads
    # itself (e.g. an HDN message in XML: gateway/routes/hdn.py).
    raw_body: tuple = ()


ROUTES = []


def route(method, path, **options):
    """Register a handler for `method` `API_PREFIX + path` (werkzeug path syntax), with
    the `Route` options (auth, touch, body, query, responses, tag, read_only_ok, form,
    changes_access, raw_body). With `form`, the body is a multipart upload that the
    handler streams itself; with `raw_body` (media types), a body of another kind that
    the handler reads itself. `changes_access=False` marks a write that cannot change
    anyone's principal."""

    def register(handler):
        ROUTES.append(Route(method, path, handler, **options))
        return handler

    return register


@dataclass
class Call:
    """What a route handler gets: the request, the services (RPC proxies), the
    caller's principal (None on anonymous routes), language, parsed body and query."""

    request: object
    services: object
    request_id: str
    language: str
    source_ip: str
    user_agent: str
    principal: Principal = None
    body: dict = None
    query: dict = None
    route: Route = None
    template: str = None  # the matched path's template, also for a 405 (metrics)


def paging(call):
    """`limit` and `cursor` of `?limit=&cursor=` (ListQuery) for the service that pages
    the list in SQL and answers `{items, next_cursor}` itself (services/common/paging.py):
    every list; the gateway never slices one."""
    return {"limit": call.query["limit"], "cursor": call.query.get("cursor")}


def json_response(status, body=None, headers=None):
    text = "" if body is None else json.dumps(body, ensure_ascii=False)
    return Response(
        text,
        status=status,
        headers=headers,
        content_type=None if body is None else "application/json; charset=utf-8",
    )


_SCHEMAS = {}  # schema class -> its one instance (a schema keeps no state between loads)


def load(schema_cls, data):
    if schema_cls is NoBody and not data:
        return {}
    schema = _SCHEMAS.get(schema_cls)
    if schema is None:
        schema = _SCHEMAS[schema_cls] = schema_cls()
    try:
        return schema.load(data)
    except ValidationError as exc:
        raise ValidationFailed(exc.messages)


def parse_json_body(request, schema_cls):
    """The body, validated by `schema_cls` (unknown fields rejected). An empty body is
    `{}`; JSON only; at most MAX_JSON_BYTES, also when sent chunked."""
    chunked = "chunked" in request.headers.get("Transfer-Encoding", "").lower()
    if not chunked and not request.content_length:
        return load(schema_cls, {})
    if request.mimetype != "application/json":
        raise JsonRequired()
    if (request.content_length or 0) > MAX_JSON_BYTES:
        raise RequestTooLarge()
    # Werkzeug reads a chunked body as empty through request.stream; the server's
    # input stream decodes it (docs/nameko.md).
    raw = request.environ["wsgi.input"].read(MAX_JSON_BYTES + 1)
    if len(raw) > MAX_JSON_BYTES:
        raise RequestTooLarge()
    if not raw:
        return load(schema_cls, {})
    try:
        data = json.loads(raw)
    except (ValueError, RecursionError):  # RecursionError: absurdly deep nesting
        raise ValidationFailed({"_body": ["Invalid JSON."]})
    if not isinstance(data, dict):
        raise ValidationFailed({"_body": ["Expected a JSON object."]})
    return load(schema_cls, data)
