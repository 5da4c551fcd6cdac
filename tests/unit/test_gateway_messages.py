"""The message routes (docs/api.md "Messages and questionnaires") and the message counts of
"Dossiers", through the Dispatcher with fake services: what reaches dossier, what is
refused before it does, and how the counts land in the dossier answers."""

import pytest

import gateway.routes  # noqa: F401  (registers every route)
from gateway.dispatch import Dispatcher
from gateway.http import ROUTES
from gateway.openapi import openapi_document

from .gateway_fakes import FakeService, identity, make_request, principal, send, services

TOKEN = "tok-" + "m" * 40
MESSAGE = {
    "id": "msg-1",
    "dossier_id": "dossier-1",
    "thread_id": "msg-1",
    "reply_to": None,
    "subject": "Vraag",
    "body": "Wanneer?",
    "direction": "outgoing",
    "read": False,
    "read_at": None,
    "sender": {"id": "acc-1", "kind": "client"},
    "attachments": [],
    "created_at": "2026-03-02T10:00:00+00:00",
}
TABS = {
    "documents": {"total": 0, "unread": 0},
    "correspondence": {"total": 1, "unread": 1},
    "delivered_by_me": {"total": 0},
    "messages": {"total": 3, "unread": 2},
}
LISTED = {
    "id": "dossier-1",
    "number": "D-1",
    "unread": {"documents": 0, "correspondence": 1, "messages": 2},
}


@pytest.fixture(scope="module")
def dispatcher():
    return Dispatcher(ROUTES)


def client(read_only=False, language="nl", **answers):
    who = principal("acc-1", kind="client", read_only=read_only, language=language)
    return services(
        identity=identity({TOKEN: who}), dossier=FakeService(**answers), documents=FakeService()
    )  # the dossier routes never ask documents


def call(dispatcher, method, path, fake, body=None, query_string=None):
    return send(
        dispatcher,
        make_request(
            method,
            path,
            json_body=body,
            query_string=query_string,
            headers={"Authorization": f"Bearer {TOKEN}"},
        ),
        fake,
    )


def test_a_message_reaches_dossier_trimmed_with_its_attachments(dispatcher):
    fake = client(post_message=MESSAGE)
    response, body = call(
        dispatcher,
        "POST",
        "/dossiers/dossier-1/messages",
        fake,
        {"subject": "  Vraag ", "body": "x" * 500, "attachment_ids": ["a-1"]},
    )
    assert (response.status_code, body) == (201, MESSAGE)
    assert fake.dossier.called("post_message") == [
        (("dossier-1",), {"subject": "Vraag", "body": "x" * 500, "attachment_ids": ["a-1"]})
    ]


@pytest.mark.parametrize(
    "sent, fields",
    [
        ({"body": "x"}, {"subject"}),
        ({"subject": "   ", "body": "x"}, {"subject"}),
        ({"subject": "a" * 201, "body": "x"}, {"subject"}),
        ({"subject": "a", "body": "x" * 501}, {"body"}),
        ({"subject": "a"}, {"body"}),
        ({"subject": "a", "body": "x", "attachment_ids": ["a"] * 11}, {"attachment_ids"}),
        ({"subject": "a", "body": "x", "attachment_ids": "a-1"}, {"attachment_ids"}),
        ({"subject": "a", "body": "x", "thread_id": "t"}, {"thread_id"}),
        ({"subject": "a", "body": "x", "sender": {"kind": "staff"}}, {"sender"}),
    ],
)
def test_bad_messages_are_400_and_never_reach_dossier(dispatcher, sent, fields):
    fake = client(post_message=MESSAGE)
    response, body = call(dispatcher, "POST", "/dossiers/dossier-1/messages", fake, sent)
    assert (response.status_code, set(body["details"])) == (400, fields)
    assert fake.dossier.called("post_message") == []


def test_length_messages_are_dutch_for_dutch_callers(dispatcher):
    response, body = call(
        dispatcher,
        "POST",
        "/dossiers/dossier-1/messages",
        client(),
        {"subject": "a", "body": "x" * 501},
    )
    assert body["details"] == {"body": ["Gebruik 1 tot 500 tekens."]}


def test_a_reply_takes_a_body_only(dispatcher):
    fake = client(reply_to_message=dict(MESSAGE, id="msg-2", reply_to="msg-1"))
    response, _ = call(dispatcher, "POST", "/messages/msg-1/reply", fake, {"body": " Ja "})
    assert response.status_code == 201
    assert fake.dossier.called("reply_to_message") == [
        (("msg-1",), {"body": "Ja", "attachment_ids": []})
    ]
    response, body = call(
        dispatcher, "POST", "/messages/msg-1/reply", fake, {"body": "Ja", "subject": "Anders"}
    )
    assert (response.status_code, list(body["details"])) == (400, ["subject"])


def test_messages_are_paged_by_dossier(dispatcher):
    items = [dict(MESSAGE, id=f"msg-{n}") for n in range(2)]
    fake = client(list_messages={"items": items, "next_cursor": "c2"})
    response, body = call(
        dispatcher, "GET", "/dossiers/dossier-1/messages", fake, query_string="limit=2&cursor=c1"
    )
    assert body == {"items": items, "next_cursor": "c2"}
    assert fake.dossier.called("list_messages") == [(("dossier-1",), {"limit": 2, "cursor": "c1"})]


def test_a_look_along_session_may_mark_read_but_not_send(dispatcher):
    fake = client(
        read_only=True, mark_message_read=None, post_message=MESSAGE, reply_to_message=MESSAGE
    )
    response, _ = call(dispatcher, "POST", "/messages/msg-1/read", fake)
    assert response.status_code == 204  # dossier decides: a look-along marks nothing
    assert fake.dossier.called("mark_message_read") == [(("msg-1",), {})]
    for path, sent in (
        ("/dossiers/dossier-1/messages", {"subject": "a", "body": "b"}),
        ("/messages/msg-1/reply", {"body": "b"}),
    ):
        response, body = call(dispatcher, "POST", path, fake, sent)
        assert (response.status_code, body["error"]) == (403, "read_only_session")
    assert fake.dossier.calls == [("mark_message_read", ("msg-1",), {})]


def test_dossiers_carry_their_counts_from_dossier_in_one_rpc(dispatcher):
    fake = client(
        list_dossiers={"items": [dict(LISTED)], "next_cursor": None},
        get_dossier={"id": "dossier-1", "number": "D-1", "tabs": TABS},
    )
    _, listed = call(dispatcher, "GET", "/dossiers", fake)
    [item] = listed["items"]
    assert item["unread"] == {"documents": 0, "correspondence": 1, "messages": 2}
    _, one = call(dispatcher, "GET", "/dossiers/dossier-1", fake)
    assert one["tabs"] == TABS
    assert [name for name, _a, _k in fake.dossier.calls] == ["list_dossiers", "get_dossier"]
    assert fake.documents.calls == []


def test_openapi_documents_the_message_routes():
    paths = openapi_document()["paths"]
    assert set(paths["/dossiers/{dossier_id}/messages"]) == {"get", "post"}
    assert "201" in paths["/messages/{message_id}/reply"]["post"]["responses"]
    assert "204" in paths["/messages/{message_id}/read"]["post"]["responses"]
    message = openapi_document()["components"]["schemas"]["MessageOut"]
    assert set(message["properties"]) == set(MESSAGE)
