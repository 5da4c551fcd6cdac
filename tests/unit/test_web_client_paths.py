"""The web portal is a client of the public API and nothing more (docs/design.md): every call
it makes - `api('METHOD', path)`, `upload(path)` (a POST), `fetchFile(path)` (a GET) in
web/src - names a method and path that the OpenAPI document (gateway/openapi.py) has.
A `${...}` placeholder in a template path stands for one path segment.

Read from the TypeScript sources, so no Node.js is needed."""

import re
from pathlib import Path

import pytest

import gateway.routes  # noqa: F401  (registers every route)
from gateway.openapi import openapi_document

ROOT = Path(__file__).resolve().parents[2]
SRC = ROOT / "web" / "src"
ENDPOINTS = SRC / "shared" / "endpoints.ts"
API_TS = SRC / "shared" / "api.ts"

# The start of a call of one of the three: `api<Page<Action>>(`, `upload<X>(`, `fetchFile(`
# (not a property such as `xhr.upload`, and not a name that merely begins with one).
CALL = re.compile(r"(?<![\w.$])(api|upload|fetchFile)\s*(?=[<(])")
STRING = re.compile(r"""\s*(?:'([^'\\\n]*)'|"([^"\\\n]*)"|`([^`\\]*)`)""")
PLACEHOLDER = re.compile(r"\$\{[^{}]*\}")
DEFAULT_METHOD = {"upload": "POST", "fetchFile": "GET"}


def sources():
    return sorted(p for p in SRC.rglob("*") if p.suffix in (".ts", ".tsx") and p.is_file())


def without_comments(text):
    """The source with its comments blanked (newlines kept, so line numbers hold), string
    and template literals left as they are."""
    out, index, quote = [], 0, None
    while index < len(text):
        char, pair = text[index], text[index : index + 2]
        if quote:
            out.append(char)
            if char == "\\":
                out.append(text[index + 1 : index + 2])
                index += 1
            elif char == quote or (char == "\n" and quote != "`"):
                quote = None  # a regex literal's quote must not swallow what follows
        elif char in "'\"`":
            quote = char
            out.append(char)
        elif pair in ("//", "/*"):
            end = text.find("\n" if pair == "//" else "*/", index + 2)
            end = len(text) if end < 0 else end + (0 if pair == "//" else 2)
            out.append(re.sub(r"[^\n]", " ", text[index:end]))
            index = end
            continue
        else:
            out.append(char)
        index += 1
    return "".join(out)


def _skip_type_arguments(text, at):
    """The index after `<...>` (nested) starting at `at`, or `at` when there is none."""
    if text[at] != "<":
        return at
    depth = 0
    for index in range(at, len(text)):
        if text[index] == ">" and text[index - 1] == "=":
            continue  # the arrow of a function type, `() => void`
        depth += {"<": 1, ">": -1}.get(text[index], 0)
        if depth == 0:
            return index + 1
    raise AssertionError("unbalanced type arguments")


def _string_at(text, at):
    """-> (the literal's text, the index after it) for a string or template literal."""
    match = STRING.match(text, at)
    if not match:
        return None, at
    return next(g for g in match.groups() if g is not None), match.end()


def calls_in(text):
    """Every call in `text` -> (function, method or None, path or None, line). None: the
    argument is not a literal, so it cannot be checked (and the test says so)."""
    found = []
    text = without_comments(text)
    for match in CALL.finditer(text):
        before = text[max(0, match.start() - 40) : match.start()]
        if re.search(r"function\s*$", before):
            continue  # the definition in api.ts
        name, at = match.group(1), _skip_type_arguments(text, match.end())
        opening = re.compile(r"\s*\(").match(text, at)
        if not opening:
            continue  # a comparison, not a call
        at = opening.end()
        line = text.count("\n", 0, match.start()) + 1
        method = DEFAULT_METHOD.get(name)
        if name == "api":
            method, at = _string_at(text, at)
            comma = re.compile(r"\s*,").match(text, at)
            if method is None or not comma:
                found.append((name, None, None, line))
                continue
            at = comma.end()
        path, _ = _string_at(text, at)
        found.append((name, method, path, line))
    return found


def client_calls():
    calls = []
    for file in sources():
        for name, method, path, line in calls_in(file.read_text()):
            calls.append((f"{file.relative_to(ROOT)}:{line}", name, method, path))
    return calls


def segments(path):
    return path.split("?", 1)[0].strip("/").split("/")


def _client_segment(segment):
    """A segment of a client path as a regex: each placeholder is any text but '/'."""
    parts = PLACEHOLDER.split(segment)
    return re.compile("[^/]+".join(re.escape(part) for part in parts) + r"\Z")


def documented(document, method, path):
    """Does the document have `method` on a path that `path` (placeholders and all) is?"""
    wanted = [_client_segment(s) for s in segments(path)]
    for template, operations in document["paths"].items():
        if method.lower() not in operations:
            continue
        parts = segments(template)
        if len(parts) == len(wanted) and all(
            (part.startswith("{") and part.endswith("}")) or pattern.match(part)
            for part, pattern in zip(parts, wanted, strict=False)
        ):
            return True
    return False


@pytest.fixture(scope="module")
def document():
    return openapi_document()


CALLS = client_calls()


def test_the_portal_sources_are_there_and_their_calls_are_found():
    assert ENDPOINTS.is_file() and API_TS.is_file()
    in_endpoints = [c for c in CALLS if c[0].startswith("web/src/shared/endpoints.ts")]
    assert len(in_endpoints) >= 40  # the whole typed client, not a parse that found nothing
    names = {name for _where, name, _method, _path in in_endpoints}
    assert names == {"api", "upload", "fetchFile"}


@pytest.mark.parametrize("where, name, method, path", CALLS, ids=[c[0] for c in CALLS])
def test_every_call_names_its_method_and_path_literally(where, name, method, path):
    assert method in ("GET", "POST", "PUT", "PATCH", "DELETE"), (
        f"{where}: {name}() without a literal method"
    )
    assert path is not None and path.startswith("/"), (
        f"{where}: {name}() without a literal path, so it cannot be checked"
    )
    assert "${" not in PLACEHOLDER.sub("", path) and not path.startswith("/api/"), where


@pytest.mark.parametrize("where, name, method, path", CALLS, ids=[c[0] for c in CALLS])
def test_every_call_is_an_operation_of_the_openapi_document(document, where, name, method, path):
    assert method and path and documented(document, method, path), (
        f"{where}: {method} {path} is not in the API (gateway/openapi.py)"
    )


def test_the_portal_calls_the_api_under_the_documents_base():
    base = re.search(r"API_BASE\s*=\s*'([^']+)'", API_TS.read_text())
    assert base, "API_BASE is not named in api.ts"
    assert [server["url"] for server in openapi_document()["servers"]] == [base.group(1)]


# -- the checker itself: what it must find and what it must refuse ---------------------------

SAMPLE = """
import { api, fetchFile, upload } from './api'
export async function api<T>(method: string, path: string) {}
export const a = () => api<Page<Action>>('GET', '/actions', { query: ALL })
export const b = (id: string) => api<void>(
  'DELETE', `/me/accounts/${encodeURIComponent(id)}`)
export const c = (id: string, n: number) =>
  api<Q>('PUT', `/questionnaires/${encodeURIComponent(id)}/pages/${n}`, { body: {} })
export const d = (id: string) => upload<Doc>(`/requests/${id}/uploads`, file, {}, progress)
export const e = (id: string) => fetchFile(`/documents/${id}/content`)
xhr.upload.onprogress = () => {}
/** A multipart upload (`file`) through upload('/nowhere') in a comment */
// and api('GET', '/nowhere') in another
const plain = disposition?.match(/filename="([^"]+)"/i)
export const g = () => api('POST', '/auth/logout')
export const f = (path: string) => api('GET', path)
if (path !== '/auth/session') hooks.activity()
"""


def test_the_parser_finds_each_kind_of_call_and_flags_what_it_cannot_read():
    assert [(name, method, path) for name, method, path, _line in calls_in(SAMPLE)] == [
        ("api", "GET", "/actions"),
        ("api", "DELETE", "/me/accounts/${encodeURIComponent(id)}"),
        ("api", "PUT", "/questionnaires/${encodeURIComponent(id)}/pages/${n}"),
        ("upload", "POST", "/requests/${id}/uploads"),
        ("fetchFile", "GET", "/documents/${id}/content"),
        ("api", "POST", "/auth/logout"),
        ("api", "GET", None),
    ]


@pytest.mark.parametrize(
    "method, path, known",
    [
        ("GET", "/actions", True),
        ("DELETE", "/me/accounts/${encodeURIComponent(id)}", True),
        ("PUT", "/questionnaires/${id}/pages/${n}", True),
        ("POST", "/requests/${id}/uploads", True),
        ("GET", "/documents/${id}/content", True),
        ("GET", "/signing-requests/${id}", True),
        ("GET", "/me/products", True),
        ("GET", "/me/producten", False),  # a path the API does not have
        ("DELETE", "/actions", False),  # a method the path does not have
        ("GET", "/documents/${id}", False),  # GET /documents/{id} is not routed
        ("GET", "/documents/${id}/content/x", False),  # one segment too many
        ("GET", "/dossiers/${id}${rest}", True),  # still one segment
        ("POST", "/portal-only/${id}", False),
    ],
)
def test_the_checker_tells_a_documented_call_from_one_that_is_not(document, method, path, known):
    assert documented(document, method, path) is known
