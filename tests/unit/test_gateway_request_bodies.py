"""Strict JSON bodies and queries (docs/api.md Conventions): unknown fields rejected, JSON
objects only, 415 for other content, 413 over 64 KiB, chunked bodies read."""

import json

import pytest

from gateway.dispatch import Dispatcher
from gateway.http import MAX_JSON_BYTES, UnsupportedMediaType
from gateway.uploads import MultipartStream

from .gateway_fakes import TEST_ROUTES, make_request, send


@pytest.fixture
def dispatcher():
    return Dispatcher(TEST_ROUTES)


def post_note(dispatcher, **kwargs):
    kwargs.setdefault("headers", {"Accept-Language": "en"})
    return send(dispatcher, make_request("POST", "/notes", **kwargs))


def test_a_valid_body_reaches_the_route_parsed(dispatcher):
    response, body = post_note(dispatcher, json_body={"title": "Hypotheek", "pages": 3})
    assert response.status_code == 201
    assert body["received"] == {"title": "Hypotheek", "pages": 3}


def test_json_with_charset_is_accepted(dispatcher):
    response, _ = post_note(
        dispatcher,
        data=json.dumps({"title": "x"}).encode(),
        content_type="application/json; charset=utf-8",
    )
    assert response.status_code == 201


def test_unknown_body_field_is_400_naming_it(dispatcher):
    response, body = post_note(dispatcher, json_body={"title": "x", "status": "approved"})
    assert response.status_code == 400
    assert body["error"] == "validation_error"
    assert list(body["details"]) == ["status"]


def test_missing_required_field_is_400_naming_it(dispatcher):
    response, body = post_note(dispatcher, json_body={"pages": 2})
    assert response.status_code == 400
    assert list(body["details"]) == ["title"]


def test_wrongly_typed_field_is_400_naming_it(dispatcher):
    response, body = post_note(dispatcher, json_body={"title": "x", "pages": "veel"})
    assert response.status_code == 400
    assert list(body["details"]) == ["pages"]


def test_an_empty_body_counts_as_an_empty_object(dispatcher):
    response, body = post_note(dispatcher, data=b"")
    assert response.status_code == 400
    assert list(body["details"]) == ["title"]


@pytest.mark.parametrize("raw", [b"{not json", b'{"title": "x",}', b"\xff\xfe{", b'{"title": '])
def test_malformed_json_is_400(dispatcher, raw):
    response, body = post_note(dispatcher, data=raw, content_type="application/json")
    assert response.status_code == 400
    assert body["error"] == "validation_error"
    assert "_body" in body["details"]


@pytest.mark.parametrize("document", [[{"title": "x"}], "title", 42, None])
def test_json_that_is_not_an_object_is_400(dispatcher, document):
    response, body = post_note(
        dispatcher, data=json.dumps(document).encode(), content_type="application/json"
    )
    assert response.status_code == 400
    assert "_body" in body["details"]


def test_deeply_nested_json_is_400_not_500(dispatcher):
    raw = b"[" * 30000 + b"]" * 30000
    response, _ = post_note(dispatcher, data=raw, content_type="application/json")
    assert response.status_code == 400


@pytest.mark.parametrize(
    "content_type",
    [
        "text/plain",
        "application/x-www-form-urlencoded",
        "application/xml",
        "multipart/form-data; boundary=x",
    ],
)
def test_other_content_types_are_415(dispatcher, content_type):
    response, body = post_note(dispatcher, data=b'{"title": "x"}', content_type=content_type)
    assert response.status_code == 415
    assert body["error"] == "unsupported_media_type"


def test_body_over_64_kib_is_413(dispatcher):
    document = json.dumps({"title": "x" * MAX_JSON_BYTES}).encode()
    response, body = post_note(dispatcher, data=document, content_type="application/json")
    assert response.status_code == 413
    assert body["error"] == "request_too_large"


def test_body_of_exactly_64_kib_is_read(dispatcher):
    filler = 64 * 1024 - len(json.dumps({"title": ""}))
    document = json.dumps({"title": "x" * filler}).encode()
    assert len(document) == 64 * 1024
    response, _ = post_note(dispatcher, data=document, content_type="application/json")
    assert response.status_code == 201


def test_chunked_json_body_is_read(dispatcher):
    response, body = post_note(dispatcher, json_body={"title": "in stukjes"}, chunked=True)
    assert response.status_code == 201
    assert body["received"] == {"title": "in stukjes"}


def test_chunked_body_over_64_kib_is_413(dispatcher):
    response, body = post_note(dispatcher, json_body={"title": "x" * (70 * 1024)}, chunked=True)
    assert response.status_code == 413


def test_body_on_a_route_that_takes_none_is_400(dispatcher):
    request = make_request("DELETE", "/notes/n-1", json_body={"force": True})
    response, body = send(dispatcher, request)
    assert response.status_code == 400
    assert list(body["details"]) == ["force"]


def test_query_is_validated_and_parsed(dispatcher):
    response, body = send(dispatcher, make_request("GET", "/notes/n-1", query_string="page=2"))
    assert (response.status_code, body["query"]) == (200, {"page": 2})


def test_unknown_query_parameter_is_400_naming_it(dispatcher):
    response, body = send(
        dispatcher, make_request("GET", "/notes/n-1", query_string="page=2&owner=me")
    )
    assert response.status_code == 400
    assert list(body["details"]) == ["owner"]


def test_field_messages_are_dutch_for_dutch_callers(dispatcher):
    request = make_request(
        "POST", "/notes", json_body={"colour": "blauw"}, headers={"Accept-Language": "nl"}
    )
    _, body = send(dispatcher, request)
    assert body["details"] == {"colour": ["Onbekend veld."], "title": ["Dit veld is verplicht."]}


def test_field_messages_stay_english_for_english_callers(dispatcher):
    request = make_request(
        "POST", "/notes", json_body={"colour": "blauw"}, headers={"Accept-Language": "en"}
    )
    _, body = send(dispatcher, request)
    assert body["details"] == {
        "colour": ["Unknown field."],
        "title": ["Missing data for required field."],
    }


def test_malformed_json_message_is_dutch_by_default(dispatcher):
    _, body = send(
        dispatcher, make_request("POST", "/notes", data=b"{", content_type="application/json")
    )
    assert body["details"] == {"_body": ["Ongeldige JSON."]}


@pytest.mark.parametrize(
    "content_type, language, says",
    [
        (None, "en", "application/json"),
        (None, "nl", "application/json"),
        ("application/x-www-form-urlencoded", "en", "Send the body as JSON"),
    ],
)
def test_a_json_body_without_its_content_type_is_415_saying_to_send_json(
    dispatcher, content_type, language, says
):
    """curl -d '{...}' without -H 'Content-Type: application/json' (or with none at all)
    is told to send JSON, not which file types an upload takes."""
    response, body = post_note(
        dispatcher,
        data=b'{"title": "x"}',
        content_type=content_type,
        headers={"Accept-Language": language},
    )
    assert response.status_code == 415
    assert body["error"] == "unsupported_media_type"
    assert says in body["message"] and "PDF" not in body["message"].upper()


def test_an_upload_sent_as_json_is_415_saying_to_send_a_multipart_file():
    with pytest.raises(UnsupportedMediaType) as raised:
        MultipartStream(make_request("POST", "/notes", json_body={"file": "x"}))
    body = json.loads(Dispatcher.error_response(raised.value, "nl", "r" * 8).get_data())
    assert body["error"] == "unsupported_media_type"
    assert "multipart/form-data" in body["message"] and "pdf" not in body["message"].lower()
