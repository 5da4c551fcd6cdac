"""docs/api.md, the API for people, and the OpenAPI document, generated from the routes,
describe the same API: every method and path served has a row in docs/api.md, and every
row of docs/api.md (outside its "Planned" section) is served. Path parameters are compared
by position, not name."""

import re
from pathlib import Path

import pytest

import gateway.routes  # noqa: F401  (registers every route)
from gateway.openapi import openapi_document

API_DOC = Path(__file__).resolve().parents[2] / "docs" / "api.md"
ROW = re.compile(r"^\| (GET|POST|PUT|PATCH|DELETE) \| (/\S*) \|", re.MULTILINE)


def shape(path):
    return re.sub(r"\{[^}]*\}", "{}", path)


def documented():
    """(method, path shape) of each table row of docs/api.md before "## Planned"."""
    text = API_DOC.read_text().split("\n## Planned")[0]
    return [(method, shape(path)) for method, path in ROW.findall(text)]


def served():
    return {
        (method.upper(), shape(path))
        for path, operations in openapi_document()["paths"].items()
        for method in operations
    }


def test_the_doc_has_rows_to_compare():
    assert len(documented()) > 100


@pytest.mark.parametrize("endpoint", sorted(served()), ids=" ".join)
def test_every_served_endpoint_has_a_row_in_docs_api_md(endpoint):
    assert endpoint in documented()


def test_every_row_of_docs_api_md_is_served():
    assert [row for row in documented() if row not in served()] == []


def test_no_endpoint_has_two_rows():
    rows = documented()
    assert sorted({row for row in rows if rows.count(row) > 1}) == []
