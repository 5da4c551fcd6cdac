"""The request body examples of the OpenAPI document (gateway/openapi_examples.py): one for
every JSON body, valid for the schema that checks the request and for the document's own
JSON schema, so the contract test's examples phase sends requests the gateway accepts."""

import jsonschema_rs
import pytest

import gateway.routes  # noqa: F401  (registers every route)
from gateway.http import ROUTES, NoBody
from gateway.openapi import openapi_document
from gateway.openapi_examples import EXAMPLES

BODIES = sorted({r.body for r in ROUTES if r.body is not NoBody}, key=lambda c: c.__name__)


def test_every_json_body_has_an_example_in_the_document():
    document = openapi_document()
    missing = []
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            content = operation.get("requestBody", {}).get("content", {})
            if "application/json" in content and "example" not in content["application/json"]:
                missing.append(f"{method.upper()} {path}")
    assert missing == []
    assert set(EXAMPLES) == set(BODIES)


@pytest.mark.parametrize("schema", BODIES, ids=lambda c: c.__name__)
def test_each_example_is_valid_for_its_schema(schema):
    assert schema().validate(EXAMPLES[schema]) == {}


@pytest.mark.parametrize("schema", BODIES, ids=lambda c: c.__name__)
def test_each_example_is_valid_for_the_documents_json_schema(schema):
    components = openapi_document()["components"]
    name = next(
        name
        for name in components["schemas"]
        if name == schema.__name__ or name.startswith(schema.__name__)
    )
    root = {"$ref": f"#/components/schemas/{name}", "components": components}
    jsonschema_rs.Draft4Validator(root).validate(EXAMPLES[schema])
