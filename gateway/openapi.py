"""The OpenAPI 3 document, generated from the registered routes and the same
marshmallow schemas that validate requests."""
import inspect
import re
from functools import lru_cache

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin

from .errors import STATUS_BY_CODE
from .http import API_PREFIX, ROUTES, NoBody
from .schemas import ErrorBody

_PARAM = re.compile(r"<(?:[a-z]+:)?([a-z_]+)>")


@lru_cache(maxsize=1)
def openapi_document():
    spec = APISpec(title="Kluis API", version="1.0.0", openapi_version="3.0.3",
                   plugins=[MarshmallowPlugin()],
                   info={"description": "Secure client portal for advisory offices. "
                         "Error codes: " + ", ".join(sorted(STATUS_BY_CODE))},
                   servers=[{"url": API_PREFIX}])
    spec.components.schema("Error", schema=ErrorBody)
    spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer"})
    paths = {}
    for route in ROUTES:
        path = _PARAM.sub(r"{\1}", route.path)
        paths.setdefault(path, {})[route.method.lower()] = _operation(route)
    for path, operations in paths.items():
        spec.path(path=path, operations=operations)
    return spec.to_dict()


def _operation(route):
    doc = inspect.cleandoc(route.handler.__doc__ or route.handler.__name__.replace("_", " "))
    summary = doc.split("\n\n")[0].replace("\n", " ").split(". ")[0].rstrip(".")
    operation = {"summary": summary, "description": doc, "tags": [route.tag],
                 "operationId": f"{route.tag}_{route.handler.__name__}",
                 "parameters": [{"in": "path", "name": name, "required": True,
                                 "schema": {"type": "string"}}
                                for name in _PARAM.findall(route.path)],
                 "responses": {}}
    if route.query is not NoBody:
        operation["parameters"].append({"in": "query", "schema": route.query})
    if route.body is not NoBody:
        operation["requestBody"] = {"required": True,
                                    "content": {"application/json": {"schema": route.body}}}
    if route.form is not None:
        operation["requestBody"] = {"required": True, "content": {"multipart/form-data": {
            "schema": _form_schema(route.form)}}}
    if route.auth:
        operation["security"] = [{"bearer": []}]
    for status, (description, schema) in route.responses.items():
        response = {"description": description}
        if schema is not None:
            response["content"] = {"application/json": {"schema": schema}}
        elif status >= 400:
            response["content"] = {"application/json": {"schema": "Error"}}
        operation["responses"][str(status)] = response
    default_errors = [400] + ([401] if route.auth else []) + [500]
    for status in default_errors:
        operation["responses"].setdefault(str(status), {
            "description": "see the error codes",
            "content": {"application/json": {"schema": "Error"}}})
    return operation


def _form_schema(form):
    """`file` (binary) and the form's fields, all sent as text parts."""
    properties = {"file": {"type": "string", "format": "binary"}}
    for name, field in form().fields.items():
        choices = getattr(field.validate, "choices", None) if field.validate else None
        properties[name] = {"type": "string", **({"enum": list(choices)} if choices else {})}
    required = ["file"] + [n for n, f in form().fields.items() if f.required]
    return {"type": "object", "properties": properties, "required": required}
