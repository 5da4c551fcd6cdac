"""Small fakes for driving gateway.dispatch.Dispatcher without nameko, RabbitMQ or HTTP:
werkzeug requests built in memory, fake RPC services, a fake worker context, and a
handful of test routes."""

import io
import json
from types import SimpleNamespace

from marshmallow import Schema, fields
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request

from gateway.http import API_PREFIX, Route
from gateway.settings import GatewayConfig
from services.common.errors import NotFound, Unauthenticated

CLIENT_IP = "203.0.113.9"
USER_AGENT = "kluis-unit-test/1.0"


class FakeService:
    """An RPC proxy stand-in: `FakeService(login={...}, logout=None, health=Error())`.
    An answer that is an exception is raised, a callable is called, anything else returned.
    Every call is recorded in `calls` as (method, args, kwargs)."""

    def __init__(self, **answers):
        self._answers = answers
        self.calls = []

    def __getattr__(self, name):
        if name.startswith("_") or name not in self._answers:
            raise AttributeError(name)

        def method(*args, **kwargs):
            self.calls.append((name, args, kwargs))
            answer = self._answers[name]
            if isinstance(answer, BaseException):
                raise answer
            return answer(*args, **kwargs) if callable(answer) else answer

        return method

    def called(self, name):
        return [(args, kwargs) for method, args, kwargs in self.calls if method == name]


def principal(account_id="acc-1", kind="client", language="nl", read_only=False):
    return {
        "account_id": account_id,
        "kind": kind,
        "session_id": f"ses-{account_id}",
        "language": language,
        "read_only": read_only,
        "signed": f"p1.signed-for-{account_id}.sig",
        "expires_at": 1_900_000_000,
    }


def identity(sessions=None, **answers):
    """identity whose `authenticate` knows `sessions` (token -> principal dict or error)."""
    sessions = sessions or {}

    def authenticate(token, touch=True):
        found = sessions.get(token)
        if found is None:
            raise Unauthenticated()
        if isinstance(found, BaseException):
            raise found
        return dict(found)

    return FakeService(authenticate=authenticate, **answers)


def services(**named):
    named.setdefault("identity", identity())
    named.setdefault("settings", GatewayConfig(health_cache_s=0))  # no /health cache here
    return SimpleNamespace(**named)


class FakeWorkerCtx:
    def __init__(self):
        self.data = {}


def make_request(
    method,
    path,
    *,
    json_body=None,
    data=None,
    content_type=None,
    headers=None,
    chunked=False,
    query_string=None,
):
    headers = dict(headers or {})
    if json_body is not None:
        data = json.dumps(json_body).encode()
        content_type = content_type or "application/json"
    extra = {}
    if chunked:
        headers["Transfer-Encoding"] = "chunked"
        extra["input_stream"] = io.BytesIO(data or b"")
        data = None
    headers.setdefault("User-Agent", USER_AGENT)
    environ = EnvironBuilder(
        path=API_PREFIX + path,
        method=method,
        data=data,
        content_type=content_type,
        headers=headers,
        query_string=query_string,
        environ_base={"REMOTE_ADDR": CLIENT_IP},
        **extra,
    ).get_environ()
    if chunked:  # a chunked request has no length; the server decodes wsgi.input
        environ.pop("CONTENT_LENGTH", None)
    return Request(environ)


def send(dispatcher, request, services_=None, worker_ctx=None):
    """-> (response, parsed JSON body or None)."""
    response = dispatcher.dispatch(request, services_ or services(), worker_ctx or FakeWorkerCtx())
    text = response.get_data(as_text=True)
    return response, (json.loads(text) if text else None)


# -- test routes ----------------------------------------------------------------------------


class NoteBody(Schema):
    title = fields.String(required=True)
    pages = fields.Integer()


class PageQuery(Schema):
    page = fields.Integer()


def create_note(call):
    return 201, {"received": call.body}


def get_note(call, note_id):
    if note_id == "missing":
        raise NotFound()
    return 200, {"id": note_id, "query": call.query}


def delete_note(call, note_id):
    return 200, {"deleted": note_id}


def whoami(call):
    return 200, {"account_id": call.principal.account_id, "language": call.language}


def protected_note(call):
    raise NotFound()


def explode(call):
    raise RuntimeError("database password=Hunter2 at /srv/kluis/store.py line 42")


def language(call):
    return 200, {"language": call.language}


TEST_ROUTES = [
    Route("POST", "/notes", create_note, auth=False, body=NoteBody),
    Route("GET", "/notes/<note_id>", get_note, auth=False, query=PageQuery),
    Route("DELETE", "/notes/<note_id>", delete_note, auth=False),
    Route("GET", "/whoami", whoami),
    Route("GET", "/peek", whoami, touch=False),
    Route("POST", "/private-notes", protected_note, body=NoteBody),
    Route("POST", "/whoami/notes", create_note, body=NoteBody, changes_access=False),
    Route("POST", "/whoami/roles", create_note, body=NoteBody),
    Route("GET", "/explode", explode, auth=False),
    Route("GET", "/language", language, auth=False),
]
