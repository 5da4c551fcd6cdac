"""GET /tasks and POST /tasks/{id}/done (docs/api.md "Documents and document requests")
through the Dispatcher, with a fake dossier service."""

import pytest

import gateway.routes  # noqa: F401  (registers every route)
from gateway.dispatch import Dispatcher
from gateway.http import ROUTES
from gateway.openapi import openapi_document
from services.common.errors import NotFound

from .gateway_fakes import FakeService, identity, make_request, principal, send, services

TOKEN = "tok-" + "t" * 40
TASK = {
    "id": "task-1",
    "type": "review_upload",
    "office_id": "office-1",
    "dossier_id": "dossier-1",
    "client_id": "client-1",
    "request_id": "request-1",
    "message_id": None,
    "status": "open",
    "created_at": "2026-03-02T10:00:00+00:00",
    "done_at": None,
    "done_by": None,
}


@pytest.fixture(scope="module")
def dispatcher():
    return Dispatcher(ROUTES)


def staff(read_only=False, **answers):
    who = principal("staff-1", kind="staff", read_only=read_only)
    return services(identity=identity({TOKEN: who}), dossier=FakeService(**answers))


def call(dispatcher, method, path, fake, query_string=None):
    return send(
        dispatcher,
        make_request(
            method, path, query_string=query_string, headers={"Authorization": f"Bearer {TOKEN}"}
        ),
        fake,
    )


def test_tasks_are_open_ones_by_default_and_paged_by_dossier(dispatcher):
    tasks = [dict(TASK, id=f"task-{n}") for n in range(2)]
    fake = staff(list_tasks={"items": tasks, "next_cursor": "c2"})
    response, body = call(dispatcher, "GET", "/tasks", fake, "limit=2&cursor=c1")
    assert response.status_code == 200
    assert body == {"items": tasks, "next_cursor": "c2"}
    assert fake.dossier.called("list_tasks") == [
        ((), {"status": "open", "limit": 2, "cursor": "c1"})
    ]


@pytest.mark.parametrize("status", ["open", "done", "all"])
def test_tasks_by_status(dispatcher, status):
    fake = staff(list_tasks={"items": [], "next_cursor": None})
    response, body = call(dispatcher, "GET", "/tasks", fake, f"status={status}")
    assert (response.status_code, body) == (200, {"items": [], "next_cursor": None})
    assert fake.dossier.called("list_tasks") == [
        ((), {"status": status, "limit": 50, "cursor": None})
    ]


def test_an_unknown_status_is_400_and_never_reaches_dossier(dispatcher):
    fake = staff(list_tasks=[])
    response, body = call(dispatcher, "GET", "/tasks", fake, "status=closed")
    assert (response.status_code, list(body["details"])) == (400, ["status"])
    assert fake.dossier.called("list_tasks") == []


def test_done_answers_the_task(dispatcher):
    done = dict(TASK, status="done", done_at="2026-03-02T11:00:00+00:00", done_by="staff-1")
    fake = staff(complete_task=done)
    response, body = call(dispatcher, "POST", "/tasks/task-1/done", fake)
    assert (response.status_code, body) == (200, done)
    assert fake.dossier.called("complete_task") == [(("task-1",), {})]


def test_done_on_a_task_the_caller_may_not_see_is_404(dispatcher):
    response, body = call(dispatcher, "POST", "/tasks/task-9/done", staff(complete_task=NotFound()))
    assert (response.status_code, body["error"]) == (404, "not_found")


def test_a_read_only_session_may_not_mark_a_task_done(dispatcher):
    fake = staff(read_only=True, complete_task=TASK)
    response, body = call(dispatcher, "POST", "/tasks/task-1/done", fake)
    assert (response.status_code, body["error"]) == (403, "read_only_session")
    assert fake.dossier.called("complete_task") == []


def test_openapi_documents_the_task_item_and_the_status_query():
    document = openapi_document()
    listing = document["paths"]["/tasks"]["get"]
    assert {p["name"] for p in listing["parameters"] if p["in"] == "query"} == {
        "limit",
        "cursor",
        "status",
    }
    task = document["components"]["schemas"]["TaskOut"]
    assert set(task["properties"]) == set(TASK)
    assert "200" in document["paths"]["/tasks/{task_id}/done"]["post"]["responses"]
