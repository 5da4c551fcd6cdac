"""The HTTP conventions of docs/api.md, in one place: routing (JSON 404, 405 with Allow),
bearer authentication, strict JSON bodies and queries, the error body in the caller's
language, `X-Request-ID` and `Cache-Control: no-store` on every response.

A route is a plain function registered with `@route(...)` in `gateway/routes/`; it
gets a `Call` and returns `(status, body)` or a werkzeug `Response`."""

import json
import logging
import time
import uuid
from dataclasses import dataclass, field

from marshmallow import Schema, ValidationError
from werkzeug.exceptions import MethodNotAllowed, NotFound
from werkzeug.routing import Map, RequestRedirect, Rule
from werkzeug.wrappers import Response

from services.common import metrics
from services.common.context import Principal, put_principal
from services.common.errors import KluisError, ReadOnlySession, Unauthenticated, ValidationFailed
from services.common.errors import NotFound as NotFoundError
from services.common.logs import REQUEST_ID, REQUEST_ID_KEY
from services.common.web_protocol import RequestTimeout

from . import principals
from .errors import status_for
from .messages import error_message, field_messages

log = logging.getLogger(__name__)

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


ROUTES = []


def route(
    method,
    path,
    auth=True,
    touch=True,
    body=NoBody,
    query=NoBody,
    responses=None,
    tag="kluis",
    read_only_ok=False,
    form=None,
    changes_access=True,
):
    """Register a handler for `method` `API_PREFIX + path` (werkzeug path syntax).
    With `form`, the body is a multipart upload that the handler streams itself.
    `changes_access=False` marks a write that cannot change anyone's principal."""

    def register(handler):
        ROUTES.append(
            Route(
                method,
                path,
                handler,
                auth,
                touch,
                body,
                query,
                responses or {},
                tag,
                read_only_ok,
                form,
                changes_access,
            )
        )
        return handler

    return register


def build_url_map(routes):
    return Map(
        [Rule(API_PREFIX + r.path, methods=[r.method], endpoint=r) for r in routes],
        merge_slashes=False,
    )


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


def request_id_of(request):
    """The caller's X-Request-ID when it looks like one (8-64 of A-Z a-z 0-9 . _ -),
    else a new one."""
    request_id = request.headers.get("X-Request-ID", "")
    return request_id if REQUEST_ID.match(request_id) else uuid.uuid4().hex


class Dispatcher:
    def __init__(self, routes):
        self.url_map = build_url_map(routes)

    def dispatch(self, request, services, worker_ctx):
        started = time.perf_counter()
        request_id = worker_ctx.data.get(REQUEST_ID_KEY) or request_id_of(request)
        language = request.accept_languages.best_match(LANGUAGES, default="nl")
        call = Call(
            request,
            services,
            request_id,
            language,
            request.remote_addr,
            (request.user_agent.string or "")[:300],
        )
        try:
            response = self._handle(call, worker_ctx)
        except KluisError as error:
            response = self.error_response(error, call.language, request_id)
        except TimeoutError:  # a chunked body that stopped arriving
            response = self.error_response(RequestTimeout(), call.language, request_id)
        except Exception:
            log.exception("request %s failed", request_id)
            response = self.error_response(
                KluisError(), call.language, request_id, code="internal_error"
            )
        if (
            call.route is not None
            and call.route.changes_access
            and call.route.method not in ("GET", "HEAD")
            and response.status_code < 400
        ):
            principals.cache.clear()  # who may do what may have changed (principals.py)
        response.headers["X-Request-ID"] = request_id
        response.headers["Cache-Control"] = "no-store"
        metrics.observe_http(
            request.method,
            API_PREFIX + call.template if call.template else "unmatched",
            response.status_code,
            time.perf_counter() - started,
        )
        return response

    def _handle(self, call, worker_ctx):
        adapter = self.url_map.bind_to_environ(call.request.environ)
        try:
            route, values = adapter.match()
        except MethodNotAllowed as exc:
            # the path has routes, of other methods: any of them names its template
            call.template = adapter.match(method=exc.valid_methods[0])[0].path
            allow = ", ".join(sorted(set(exc.valid_methods or [])))
            if call.request.method == "OPTIONS":
                return Response(status=204, headers={"Allow": allow})
            response = self.error_response(MethodNotAllowedHere(), call.language, call.request_id)
            response.headers["Allow"] = allow
            return response
        except RequestRedirect as redirect:
            return redirect.get_response(call.request.environ)
        except NotFound:
            raise NotFoundError()
        call.route, call.template = route, route.path
        report = None
        if route.auth:
            call.principal, report = self._authenticate(
                call, route.touch and not is_background(call.request)
            )
            call.language = call.principal.language or call.language
            # Services refuse writes of read-only sessions themselves; this is the net.
            if (
                call.principal.read_only
                and route.method not in ("GET", "HEAD")
                and not route.read_only_ok
            ):
                raise ReadOnlySession()
        put_principal(worker_ctx, call.principal, call.language)
        if report is not None:  # as the caller, now that the context holds the principal
            principals.report_activity(call.services.identity, report)
        call.query = load(route.query, call.request.args.to_dict(flat=True))
        if route.form is None:
            call.body = parse_json_body(call.request, route.body)
        result = route.handler(call, **values)
        if isinstance(result, Response):
            return result
        status, body = result
        return json_response(status, body)

    def _authenticate(self, call, touch):
        header = call.request.headers.get("Authorization", "")
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip() or len(token) > 512:
            raise Unauthenticated()
        token = token.strip()
        entry = principals.cache.get(token)
        report = None
        if entry is None:
            entry = principals.cache.put(
                token, call.services.identity.authenticate(token, touch=touch)
            )
        elif touch and entry.activity_due():
            report = entry
        principal = Principal(
            **entry.principal, source_ip=call.source_ip, user_agent=call.user_agent
        )
        return principal, report

    @staticmethod
    def error_response(error, language, request_id, code=None):
        code = code or error.code
        status = status_for(error) if code == error.code else 500
        message_key = getattr(error, "message_key", None) if code == error.code else None
        body = {
            "error": code,
            "message": error_message(code, language, message_key),
            "details": field_messages(error.details, language) if code == error.code else {},
        }
        if status >= 500:
            body["request_id"] = request_id
        headers = {}
        if code == "rate_limited" or "retry_after_s" in error.details:
            headers["Retry-After"] = str(int(error.details.get("retry_after_s", 60)))
        return json_response(status, body, headers)


BACKGROUND_HEADER = "X-Kluis-Background"


def is_background(request):
    """A read the portal makes on its own (a refresh of unread counts, say), not on the
    user's behalf: `X-Kluis-Background: 1` on a GET. It does not count as activity, so
    an open portal never keeps an idle session alive."""
    return request.method in ("GET", "HEAD") and request.headers.get(BACKGROUND_HEADER) == "1"


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
