"""The `Dispatcher`: one API request from the catch-all entrypoint (gateway/service.py)
to its route's handler (gateway/routes/), by the conventions of docs/api.md: routing
(JSON 404, 405 with Allow), bearer authentication, the read-only net, the strict body and
query (gateway/http.py), the error body in the caller's language, `X-Request-ID` and
`Cache-Control: no-store` on every response."""

import logging
import time
import uuid

from werkzeug.exceptions import MethodNotAllowed, NotFound
from werkzeug.routing import Map, RequestRedirect, Rule
from werkzeug.wrappers import Response

from services.common import metrics
from services.common.context import Principal, put_principal
from services.common.errors import KluisError, ReadOnlySession, Unauthenticated
from services.common.errors import NotFound as NotFoundError
from services.common.logs import REQUEST_ID, REQUEST_ID_KEY
from services.common.web_protocol import RequestTimeout

from . import principals, scopes
from .errors import status_for
from .field_messages import field_messages
from .http import (
    API_PREFIX,
    LANGUAGES,
    Call,
    MethodNotAllowedHere,
    json_response,
    load,
    parse_json_body,
)
from .messages import error_message

log = logging.getLogger(__name__)

BACKGROUND_HEADER = "X-Kluis-Background"


def build_url_map(routes):
    return Map(
        [Rule(API_PREFIX + r.path, methods=[r.method], endpoint=r) for r in routes],
        merge_slashes=False,
    )


def request_id_of(request):
    """The caller's X-Request-ID when it looks like one (8-64 of A-Z a-z 0-9 . _ -),
    else a new one."""
    request_id = request.headers.get("X-Request-ID", "")
    return request_id if REQUEST_ID.match(request_id) else uuid.uuid4().hex


def is_background(request):
    """A read the portal makes on its own (a refresh of unread counts, say), not on the
    user's behalf: `X-Kluis-Background: 1` on a GET. It does not count as activity, so
    an open portal never keeps an idle session alive."""
    return request.method in ("GET", "HEAD") and request.headers.get(BACKGROUND_HEADER) == "1"


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
        response = self._answer(call, worker_ctx)
        if _may_change_access(call.route, response):
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

    def _answer(self, call, worker_ctx):
        """The handler's response, or the error body of what went wrong."""
        try:
            return self._handle(call, worker_ctx)
        except KluisError as error:
            return self.error_response(error, call.language, call.request_id)
        except TimeoutError:  # a chunked body that stopped arriving
            return self.error_response(RequestTimeout(), call.language, call.request_id)
        except Exception:
            log.exception("request %s failed", call.request_id)
            return self.error_response(
                KluisError(), call.language, call.request_id, code="internal_error"
            )

    def _handle(self, call, worker_ctx):
        matched = self._match(call)
        if isinstance(matched, Response):
            return matched
        route, values = matched
        call.route, call.template = route, route.path
        report = self._authorize(call, route) if route.auth else None
        put_principal(worker_ctx, call.principal, call.language)
        if report is not None:  # as the caller, now that the context holds the principal
            principals.report_activity(call.services.identity, report)
        call.query = load(route.query, call.request.args.to_dict(flat=True))
        if route.form is None and not route.raw_body:
            call.body = parse_json_body(call.request, route.body)
        result = route.handler(call, **values)
        if isinstance(result, Response):
            return result
        status, body = result
        return json_response(status, body)

    def _match(self, call):
        """-> (route, path values), or the response to a path that has no such route:
        204 to OPTIONS and 405 to another method (both with Allow), a redirect."""
        adapter = self.url_map.bind_to_environ(call.request.environ)
        try:
            return adapter.match()
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

    def _authorize(self, call, route):
        """Sets the caller's principal and language; -> the activity to report, or None."""
        call.principal, report = self._authenticate(
            call, route.touch and not is_background(call.request)
        )
        call.language = call.principal.language or call.language
        scopes.check(call.principal, route)  # an office system's key: its routes only
        # Services refuse writes of read-only sessions themselves; this is the net.
        writes = route.method not in ("GET", "HEAD") and not route.read_only_ok
        if call.principal.read_only and writes:
            raise ReadOnlySession()
        return report

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


def _may_change_access(route, response):
    """A successful write of a route marked `changes_access`."""
    return (
        route is not None
        and route.changes_access
        and route.method not in ("GET", "HEAD")
        and response.status_code < 400
    )
