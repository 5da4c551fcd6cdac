"""docs/api.md "Messages and questionnaires" (the messages) and the message counts of
"Dossiers", through HTTP against the whole system: threads in both directions, read
marks and unread counts from each side, attachments filed as documents, the office's
answer tasks, the client's e-mail, and everyone who should not get in."""

import pytest
from nameko.exceptions import RemoteError

from services.common.errors import NotFound
from tests import samples

from .conftest import text_of
from .staff_app import Office
from .test_clients import _client, activate
from .test_documents import case, wait_until  # noqa: F401  (case: the fixture)


def attach(who, dossier_id, content, name="bijlage.pdf"):
    response = who.post(
        f"/dossiers/{dossier_id}/attachments",
        files={"file": (name, content, "application/octet-stream")},
    )
    assert response.status_code == 201, response.text
    return response.json()["id"]


def send(
    who, dossier_id, subject="Vraag over de taxatie", body="Wanneer komt de taxateur?", **extra
):
    return who.post(
        f"/dossiers/{dossier_id}/messages", json={"subject": subject, "body": body, **extra}
    )


def messages(who, dossier_id):
    response = who.get(f"/dossiers/{dossier_id}/messages")
    assert response.status_code == 200, response.text
    return {m["id"]: m for m in response.json()["items"]}


def tabs(who, dossier_id):
    return who.get(f"/dossiers/{dossier_id}").json()["tabs"]["messages"]


def unread_in_list(who, dossier_id):
    items = who.get("/dossiers").json()["items"]
    return {d["id"]: d["unread"]["messages"] for d in items}[dossier_id]


def answer_tasks(staff, status="open"):
    return [
        t
        for t in staff.get("/tasks", params={"status": status}).json()["items"]
        if t["type"] == "answer_message"
    ]


def test_a_thread_both_ways_with_read_marks_counts_task_and_email(kluis, case):
    staff, portal, d = case["staff"], case["portal"], case["dossier"]["id"]
    asked = send(portal, d)
    assert asked.status_code == 201, asked.text
    first = asked.json()
    assert (first["direction"], first["read"], first["sender"]["kind"]) == (
        "outgoing",
        False,
        "client",
    )
    assert (first["thread_id"], first["reply_to"], first["attachments"]) == (first["id"], None, [])
    theirs = messages(staff, d)[first["id"]]
    assert (theirs["direction"], theirs["read"], theirs["body"]) == (
        "incoming",
        False,
        "Wanneer komt de taxateur?",
    )
    assert tabs(staff, d) == {"total": 1, "unread": 1} and unread_in_list(staff, d) == 1
    assert tabs(portal, d) == {"total": 1, "unread": 0} and unread_in_list(portal, d) == 0
    [task] = answer_tasks(staff)
    assert (task["message_id"], task["dossier_id"], task["request_id"]) == (first["id"], d, None)

    again = portal.post(f"/messages/{first['id']}/reply", json={"body": "En de notaris?"})
    assert again.status_code == 201 and again.json()["subject"] == "Re: Vraag over de taxatie"
    assert [t["id"] for t in answer_tasks(staff)] == [task["id"]]  # joined, not a second
    assert staff.post(f"/messages/{first['id']}/read").status_code == 204
    assert portal.post(f"/messages/{first['id']}/read").status_code == 204  # own: no-op
    assert messages(portal, d)[first["id"]]["read"] is True  # the office read it
    assert tabs(staff, d) == {"total": 2, "unread": 1}

    answered = staff.post(
        f"/messages/{again.json()['id']}/reply", json={"body": "De taxateur komt dinsdag."}
    )
    assert answered.status_code == 201, answered.text
    answer = answered.json()
    assert (answer["subject"], answer["thread_id"], answer["reply_to"]) == (
        "Re: Vraag over de taxatie",
        first["id"],
        again.json()["id"],
    )
    assert answer_tasks(staff) == []
    [done] = answer_tasks(staff, "done")
    assert done["id"] == task["id"] and done["done_by"] == staff.get("/me").json()["id"]
    mail = kluis.mail.wait_for(case["client"]["email"], count=4)[3]  # 3 for activation
    assert "Re: Vraag over de taxatie" in mail["Subject"] and "D-1" in text_of(mail)
    mine = messages(portal, d)[answer["id"]]
    assert (mine["direction"], mine["read"]) == ("incoming", False)
    assert tabs(portal, d) == {"total": 3, "unread": 1} and unread_in_list(portal, d) == 1
    assert portal.post(f"/messages/{answer['id']}/read").status_code == 204
    assert tabs(portal, d) == {"total": 3, "unread": 0} and unread_in_list(portal, d) == 0
    assert messages(staff, d)[answer["id"]]["read"] is True
    order = list(messages(portal, d))
    assert order == [answer["id"], again.json()["id"], first["id"]]  # newest first


def test_a_staff_message_reaches_the_client_and_a_task_can_be_done_by_hand(kluis, case):
    staff, portal, d = case["staff"], case["portal"], case["dossier"]["id"]
    posted = send(staff, d, subject="Uw offerte staat klaar", body="Zie uw Kluis.")
    assert posted.status_code == 201 and answer_tasks(staff, "all") == []
    mail = kluis.mail.wait_for(case["client"]["email"], count=4)[3]
    assert "Uw offerte staat klaar" in mail["Subject"] and "D-1" in text_of(mail)
    assert unread_in_list(portal, d) == 1
    question = send(portal, d, subject="Nog een vraag").json()
    [task] = answer_tasks(staff)
    assert task["message_id"] == question["id"]
    assert staff.post(f"/tasks/{task['id']}/done").json()["status"] == "done"
    assert answer_tasks(staff) == []


def test_bad_messages_are_refused_and_leave_nothing(case):
    staff, portal, d = case["staff"], case["portal"], case["dossier"]["id"]
    for body in (
        {"body": "Geen onderwerp"},
        {"subject": "  ", "body": "x"},
        {"subject": "Lang", "body": "x" * 501},
        {"subject": "Leeg", "body": ""},
        {"subject": "a", "body": "b", "direction": "incoming"},
        {"subject": "a", "body": "b", "attachment_ids": ["x"] * 11},
    ):
        response = portal.post(f"/dossiers/{d}/messages", json=body)
        assert response.status_code == 400, body
        assert response.json()["error"] == "validation_error"
    no_subject = portal.post(f"/dossiers/{d}/messages", json={"body": "x"}).json()
    assert list(no_subject["details"]) == ["subject"]
    too_long = portal.post(f"/dossiers/{d}/messages", json={"subject": "a", "body": "x" * 501})
    assert list(too_long.json()["details"]) == ["body"]
    assert messages(portal, d) == {} and answer_tasks(staff) == []
    assert send(portal, d, subject="a" * 200, body="x" * 500).status_code == 201
    assert staff.post("/messages/no-such-message/reply", json={"body": "x"}).status_code == 404


def test_attachments_are_filed_with_their_message(kluis, case):
    staff, portal, d = case["staff"], case["portal"], case["dossier"]["id"]
    content = samples.pdf("Loonstrook februari")
    kept = attach(portal, d, content, name="loonstrook.pdf")
    dropped = attach(portal, d, samples.png(), name="foto.png")
    assert portal.delete(f"/attachments/{dropped}").status_code == 204
    assert portal.delete(f"/attachments/{dropped}").status_code == 404
    gone = send(portal, d, attachment_ids=[dropped])
    assert gone.status_code == 404 and messages(portal, d) == {}
    sent = send(portal, d, subject="Loonstrook", attachment_ids=[kept])
    assert sent.status_code == 201, sent.text
    [filed] = sent.json()["attachments"]
    assert (filed["id"], filed["name"], filed["size"]) == (kept, "loonstrook.pdf", len(content))
    assert portal.delete(f"/attachments/{kept}").status_code == 404  # sent: no longer
    assert send(portal, d, attachment_ids=[kept]).status_code == 404  # sent once only
    delivered = staff.get(
        f"/dossiers/{d}/documents", params={"category": "delivered_by_me"}
    ).json()["items"]
    assert [x["id"] for x in delivered] == [kept]
    assert staff.get(f"/documents/{kept}/content").content == content
    mine = portal.get(f"/dossiers/{d}/documents", params={"category": "delivered_by_me"})
    assert [x["id"] for x in mine.json()["items"]] == [kept]
    assert messages(staff, d)[sent.json()["id"]]["attachments"] == [filed]

    letter = attach(staff, d, b"Beste klant,\nbijgaand de offerte.\n", name="brief.txt")
    assert send(staff, d, attachment_ids=[letter]).status_code == 201
    assert portal.get(f"/documents/{letter}/content").status_code == 200
    assert [
        x["category"]
        for x in staff.get(f"/dossiers/{d}/documents").json()["items"]
        if x["id"] == letter
    ] == ["correspondence"]


def test_only_the_senders_own_attachment_of_that_dossier_goes(kluis, case):
    staff, portal, d = case["staff"], case["portal"], case["dossier"]["id"]
    other_dossier = staff.post(
        f"/clients/{case['client']['id']}/dossiers",
        json={"number": "D-2", "description": "Verbouwing"},
    ).json()["id"]
    elsewhere = attach(portal, other_dossier, samples.pdf("ander dossier"))
    assert send(portal, d, attachment_ids=[elsewhere]).status_code == 404
    clients_own = attach(portal, d, samples.pdf("van de klant"))
    assert send(staff, d, attachment_ids=[clients_own]).status_code == 404  # not staff's
    other = _client(staff, case["office"], name="Karin Anders")
    other_portal = activate(kluis, staff, other)
    theirs_d = staff.post(
        f"/clients/{other['id']}/dossiers", json={"number": "D-3", "description": "Anders"}
    ).json()["id"]
    theirs = attach(other_portal, theirs_d, samples.pdf("van een ander"))
    assert send(portal, d, attachment_ids=[theirs]).status_code == 404
    assert send(portal, d, attachment_ids=[clients_own, theirs]).status_code == 404
    assert messages(portal, d) == {} and answer_tasks(staff) == []
    for who, attachment in (
        (portal, elsewhere),
        (portal, clients_own),
        (other_portal, theirs),
    ):  # nothing was filed: still pending
        assert who.delete(f"/attachments/{attachment}").status_code == 204


def test_another_office_gets_404_over_http_and_over_rpc(kluis, case):
    staff, d = case["staff"], case["dossier"]["id"]
    stranger_office = Office(kluis, kluis.admin())
    stranger = stranger_office.staffed("owner")[1]
    sent = send(staff, d).json()
    for method, path, body in (
        ("GET", f"/dossiers/{d}/messages", None),
        ("POST", f"/dossiers/{d}/messages", {"subject": "a", "body": "b"}),
        ("POST", f"/messages/{sent['id']}/reply", {"body": "b"}),
        ("POST", f"/messages/{sent['id']}/read", None),
    ):
        response = stranger.request(method, path, json=body)
        assert response.status_code == 404, (method, path, response.text)
    principal = kluis.principal_of(stranger)
    with kluis.rpc(principal) as rpc:
        for attempt in (
            lambda: rpc.dossier.list_messages(d),
            lambda: rpc.dossier.post_message(d, "a", "b"),
            lambda: rpc.dossier.reply_to_message(sent["id"], "b"),
            lambda: rpc.dossier.mark_message_read(sent["id"]),
        ):
            with pytest.raises((NotFound, RemoteError)) as raised:
                attempt()
            assert getattr(raised.value, "code", None) == "not_found"
    assert messages(staff, d)[sent["id"]]["read"] is False


def test_look_along_reads_but_marks_nothing_and_cannot_post(kluis, case):
    staff, portal, d = case["staff"], case["portal"], case["dossier"]["id"]
    sent = send(staff, d, subject="Voor de klant").json()
    looking = kluis.client(
        staff.post(f"/clients/{case['client']['id']}/look-along").json()["token"]
    )
    seen = messages(looking, d)[sent["id"]]
    assert (seen["direction"], seen["read"]) == ("incoming", False)
    assert tabs(looking, d) == {"total": 1, "unread": 1}
    assert looking.post(f"/messages/{sent['id']}/read").status_code == 204
    assert messages(portal, d)[sent["id"]]["read"] is False
    assert tabs(portal, d) == {"total": 1, "unread": 1}
    assert messages(staff, d)[sent["id"]]["read"] is False
    for path, kwargs in (
        (f"/dossiers/{d}/messages", {"json": {"subject": "a", "body": "b"}}),
        (f"/messages/{sent['id']}/reply", {"json": {"body": "b"}}),
        (f"/dossiers/{d}/attachments", {"files": {"file": ("a.pdf", samples.pdf())}}),
    ):
        refused = looking.post(path, **kwargs)
        assert refused.status_code == 403 and refused.json()["error"] == "read_only_session"
    assert list(messages(portal, d)) == [sent["id"]]
    trail = staff.get(f"/dossiers/{d}/audit").json()["items"]
    assert "message_posted" in {e["action"] for e in trail}
    assert not [e for e in trail if e["action"].startswith("message_read")]


def test_messages_on_postgresql(pg_kluis):
    """Its sessions idle out after 3 s: everyone signs in again where the test waits."""
    office = Office(pg_kluis, pg_kluis.admin())
    app, staff = office.staffed("owner")
    client = _client(staff, office, name="Piet Postgres")
    activate(pg_kluis, staff, client)
    staff = pg_kluis.client(app.login().json()["token"])
    portal = pg_kluis.client(pg_kluis.login(client["email"], "Mijn-Kluis-2026"))
    d = staff.post(
        f"/clients/{client['id']}/dossiers", json={"number": "PG-1", "description": "Postgres"}
    ).json()["id"]
    kept = attach(portal, d, samples.pdf("op postgres"))
    first = send(portal, d, subject="x" * 200, attachment_ids=[kept]).json()
    answer = staff.post(f"/messages/{first['id']}/reply", json={"body": "Prima."}).json()
    assert answer["subject"] == ("Re: " + "x" * 200)[:200]
    assert tabs(portal, d) == {"total": 2, "unread": 1}
    assert wait_until(lambda: answer_tasks(staff, "done"))[0]["message_id"] == first["id"]
    assert staff.get(f"/documents/{kept}/content").content == samples.pdf("op postgres")
