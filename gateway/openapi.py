"""The OpenAPI 3 document, generated from the registered routes and the same
marshmallow schemas that validate requests."""

import inspect
import re
from functools import lru_cache

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from marshmallow import fields, validate

from .errors import STATUS_BY_CODE
from .http import API_PREFIX, ROUTES, NoBody
from .openapi_examples import EXAMPLES
from .openapi_summaries import SUMMARIES
from .schemas import Empty, ErrorBody, Raw
from .scopes import ROUTE_SCOPES

_PARAM = re.compile(r"<(?:[a-z]+:)?([a-z_]+)>")


class Plugin(MarshmallowPlugin):
    """apispec's marshmallow plugin, plus what a schema says of itself as a whole
    (`OPENAPI`: a dict merged into its JSON schema, e.g. "send code or recovery_code"
    as `oneOf`), which its fields cannot."""

    def schema_helper(self, name, _, schema=None, **kwargs):
        definition = super().schema_helper(name, _, schema=schema, **kwargs)
        cls = schema if isinstance(schema, type) else type(schema)
        return _merged(definition, getattr(cls, "OPENAPI", {}))


def _merged(base, extra):
    merged = dict(base)
    for key, value in extra.items():
        both = isinstance(value, dict) and isinstance(base.get(key), dict)
        merged[key] = _merged(base[key], value) if both else value
    return merged


# An id or name in a path: one segment of printable characters (a control character
# in a path gets the web server's own 404, not an API answer).
PATH_PARAMETER = {"type": "string", "pattern": r"^[^\x00-\x1f\x7f/]+$"}


@lru_cache(maxsize=1)
def openapi_document():
    spec = APISpec(
        title="Kluis API",
        version="1.0.0",
        openapi_version="3.0.3",
        plugins=[Plugin()],
        info={
            "description": "Secure client portal for advisory offices. "
            "Error codes: " + ", ".join(sorted(STATUS_BY_CODE))
        },
        servers=[{"url": API_PREFIX}],
    )
    spec.components.schema("Error", schema=ErrorBody)
    spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer"})
    spec.components.security_scheme(
        "apiKey",
        {
            "type": "http",
            "scheme": "bearer",
            "bearerFormat": "klk_...",
            "description": "An office system's API key (docs/integrations.md): only the "
            "operations that name it, with the scope in their `x-kluis-scope`.",
        },
    )
    paths = {}
    for route in ROUTES:
        path = _PARAM.sub(r"{\1}", route.path)
        paths.setdefault(path, {})[route.method.lower()] = _operation(route)
    for path, operations in paths.items():
        spec.path(path=path, operations=operations)
    for tag in _tags_in_reading_order(ROUTES):
        spec.tag({"name": tag})
    return spec.to_dict()


# The reference (/api/v1/docs) lists the tags in this order: signing in and the client's own
# pages first, the office's work next, the operators' last. A tag not named here follows.
TAG_ORDER = (
    "auth",
    "me",
    "portal",
    "documents",
    "messages",
    "questionnaires",
    "signing",
    "privacy",
    "clients",
    "dossiers",
    "tasks",
    "offices",
    "registrations",
    "integrations",
    "erasure",
    "audit",
    "admin",
    "system",
)


def _tags_in_reading_order(routes):
    used = {route.tag for route in routes if route.tag}
    known = [tag for tag in TAG_ORDER if tag in used]
    return known + sorted(used - set(TAG_ORDER))


def _operation(route):
    path = _PARAM.sub(r"{\1}", route.path)
    doc = inspect.cleandoc(route.handler.__doc__ or "")
    first_sentence = doc.split("\n\n")[0].replace("\n", " ").split(". ")[0].rstrip(".")
    summary = SUMMARIES.get((route.method, path)) or first_sentence
    operation = {
        "summary": summary,
        "description": doc or summary,
        "tags": [route.tag],
        "operationId": f"{route.tag}_{route.handler.__name__}",
        "parameters": [
            {"in": "path", "name": name, "required": True, "schema": PATH_PARAMETER}
            for name in _PARAM.findall(route.path)
        ],
        "responses": _responses(route),
    }
    if route.query is not NoBody:
        operation["parameters"].append({"in": "query", "schema": route.query})
    body = _request_body(route)
    if body is not None:
        operation["requestBody"] = body
    if route.raw_body:
        operation["requestBody"] = {
            "required": True,
            "content": {media: {"schema": {"type": "string"}} for media in route.raw_body},
        }
    if route.auth:
        operation["security"] = [{"bearer": []}]
        scope = ROUTE_SCOPES.get((route.method, route.path))
        if scope is not None:  # an API key may call it too
            operation["security"].append({"apiKey": []})
            operation["x-kluis-scope"] = scope
    return operation


def _request_body(route):
    """A multipart upload (`form`), a JSON body, or None."""
    if route.form is not None:
        return {
            "required": True,
            "content": {"multipart/form-data": {"schema": _form_schema(route.form)}},
        }
    if route.body is not NoBody:
        json_body = {"schema": route.body}
        if route.body in EXAMPLES:
            json_body["example"] = EXAMPLES[route.body]
        return {"required": _needs_a_body(route.body), "content": {"application/json": json_body}}
    return None


def _responses(route):
    """The route's own answers, then the errors any route of its kind can give."""
    responses = {
        str(status): _response(status, description, schema)
        for status, (description, schema) in route.responses.items()
    }
    if "cursor" in route.query().fields:
        responses.setdefault(
            "400",
            _error(
                "validation_error: also for a `cursor` that is not a next_cursor "
                "of this list (cursors are opaque and sealed)"
            ),
        )
    for status in _default_errors(route):
        responses.setdefault(str(status), _error(DEFAULT_ERRORS[status]))
    return responses


def _response(status, description, schema):
    if isinstance(schema, Raw):
        binary = {"type": "string", "format": "binary"}
        content = {media: {"schema": dict(binary)} for media in schema.content_types}
        return {"description": description, "content": content}
    if schema is not None and schema is not Empty:
        return {"description": description, "content": {"application/json": {"schema": schema}}}
    if status >= 400:
        return _error(description)
    return {"description": description}


def _error(description):
    return {"description": description, "content": {"application/json": {"schema": "Error"}}}


DEFAULT_ERRORS = {
    400: "validation_error (details name the fields), or another refusal of the input",
    401: "unauthenticated or session_expired: no valid bearer token",
    403: "forbidden (the caller's role may not) or read_only_session (a look-along)",
    404: "not_found: it does not exist or the caller may not see it",
    413: "request_too_large: the body is over the limit",
    415: "unsupported_media_type: a body that is not of the documented type",
    500: "internal_error (with request_id)",
    503: "service_unavailable: a service behind the gateway does not answer",
}


def _default_errors(route):
    """The errors any route of its kind can answer, whatever it does (API.md
    "Conventions"): every route can refuse input or fail; a signed-in route can meet a
    dead token or a caller without the right; a route about one thing can meet a thing
    that is not there; a route with a body can meet one too large or of another type."""
    statuses = [400, 500, 503]
    if route.auth:
        statuses += [401, 403, 404]
    if _PARAM.search(route.path):
        statuses.append(404)
    if route.body is not NoBody or route.form is not None or route.raw_body:
        statuses += [413, 415]
    return sorted(set(statuses))


def _needs_a_body(schema):
    """An empty body counts as `{}`: only a schema that refuses `{}` needs one."""
    return bool(schema().validate({}))


def _lengths(field):
    lengths = {}
    for rule in field.validators:
        if isinstance(rule, validate.Length):
            lengths.update({"minLength": rule.min} if rule.min is not None else {})
            lengths.update({"maxLength": rule.max} if rule.max is not None else {})
    return lengths


def _form_schema(form):
    """`file` (binary) and the form's fields, all sent as text parts."""
    properties = {"file": {"type": "string", "format": "binary"}}
    for name, field in form().fields.items():
        choices = getattr(field.validate, "choices", None) if field.validate else None
        if isinstance(field, fields.Boolean):
            choices = sorted(field.truthy | field.falsy)
        properties[name] = {
            "type": "string",
            **({"enum": list(choices)} if choices else {}),
            **_lengths(field),
        }
    required = ["file"] + [n for n, f in form().fields.items() if f.required]
    return {
        "type": "object",
        "properties": properties,
        "required": required,
        "additionalProperties": False,
    }
