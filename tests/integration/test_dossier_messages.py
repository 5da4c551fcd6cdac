"""Messages in the real dossier service (schema from its migrations, SQLite and
PostgreSQL, real broker), called directly over RPC: threads, direction and read marks
from each side, unread counts, answer tasks, the client's e-mail, `message_posted`,
and the rules for callers that the gateway would have stopped. Messages without
attachments never call documents, which does not run here."""

import json

from services.common.context import Principal

from .kit import select_all
from .test_dossier_tasks import (
    ADMIN,
    ANN,
    outbox,
    refusal,
    rpc_as,
    sent_commands,
    tasks,
    world,  # noqa: F401  (the fixture)
)


def counts(world, principal, dossier=None):
    with rpc_as(world.config, principal) as rpc:
        return rpc.dossier.get_dossier((dossier or world.d1)["id"])["tabs"]["messages"]


def listed(world, principal, dossier=None):
    with rpc_as(world.config, principal) as rpc:
        return rpc.dossier.list_messages((dossier or world.d1)["id"], limit=200)["items"]


def events(world, event_type):
    rows = select_all(world.engine, outbox, outbox.c.kind == "event")
    return [json.loads(r.payload) for r in rows if r.routing_key == event_type]


def test_a_thread_between_client_and_office(world):
    with rpc_as(world.config, ANN) as rpc:
        first = rpc.dossier.post_message(world.d1["id"], "  Vraag  ", "Wanneer is de taxatie?")
        follow_up = rpc.dossier.reply_to_message(first["id"], "En de notaris?")
    assert (first["subject"], first["direction"], first["read"]) == ("Vraag", "outgoing", False)
    assert (first["thread_id"], first["reply_to"], first["sender"]) == (
        first["id"],
        None,
        {"id": "acc-ann", "kind": "client"},
    )
    assert (follow_up["subject"], follow_up["thread_id"]) == ("Re: Vraag", first["id"])
    [task] = tasks(world)  # the second client message joined the first one's task
    assert (task["type"], task["message_id"], task["dossier_id"]) == (
        "answer_message",
        first["id"],
        world.d1["id"],
    )
    seen = listed(world, world.staff_a)
    assert [(m["id"], m["direction"], m["read"]) for m in seen] == [
        (follow_up["id"], "incoming", False),
        (first["id"], "incoming", False),
    ]
    assert counts(world, world.staff_a) == {"total": 2, "unread": 2}
    assert counts(world, ANN) == {"total": 2, "unread": 0}

    with rpc_as(world.config, world.staff_a) as rpc:
        rpc.dossier.mark_message_read(first["id"])
        rpc.dossier.mark_message_read(first["id"])  # again: nothing more happens
        answer = rpc.dossier.reply_to_message(follow_up["id"], "Volgende week.")
    assert (answer["subject"], answer["thread_id"], answer["reply_to"]) == (
        "Re: Vraag",
        first["id"],
        follow_up["id"],
    )
    assert counts(world, world.staff_a) == {"total": 3, "unread": 1}
    assert counts(world, ANN) == {"total": 3, "unread": 1}
    mine = {m["id"]: (m["direction"], m["read"]) for m in listed(world, ANN)}
    assert mine == {
        answer["id"]: ("incoming", False),
        follow_up["id"]: ("outgoing", False),
        first["id"]: ("outgoing", True),
    }
    assert tasks(world) == []
    [done] = tasks(world, status="done")
    assert (done["id"], done["done_by"]) == (task["id"], "staff-a")
    with rpc_as(world.config, ANN) as rpc:
        rpc.dossier.mark_message_read(follow_up["id"])  # one's own: no change
        rpc.dossier.mark_message_read(answer["id"])
        [item] = [d for d in rpc.dossier.list_dossiers()["items"] if d["id"] == world.d1["id"]]
    assert item["unread"]["messages"] == 0
    assert counts(world, world.staff_a) == {"total": 3, "unread": 1}  # follow_up is unread


def test_a_staff_message_tells_the_client_and_is_announced(world):
    with rpc_as(world.config, world.staff_a) as rpc:
        sent = rpc.dossier.post_message(world.d1["id"], "Offerte", "Zie de bijlage.")
        rpc.dossier.post_message(world.d2["id"], "Offerte", "Piet heeft geen account.")
    assert tasks(world, status="all") == []  # staff's messages are no work for staff
    [news] = sent_commands(world, 1)  # Piet has no portal account: only Ann hears
    assert (news["template"], news["language"], news["to"], news["account_id"]) == (
        "new_message",
        "en",
        {"email": "ann@example.nl"},
        "acc-ann",
    )
    assert news["data"] == {
        "name": "Ann",
        "office": "Hypotheekhuis",
        "title": "Offerte",
        "dossier_number": "D-1",
        "portal_url": "http://kluis.test",
    }
    announced = [e for e in events(world, "message_posted") if e["message_id"] == sent["id"]]
    assert [(e["dossier_id"], e["sender_kind"], e["attachment_ids"]) for e in announced] == [
        (world.d1["id"], "staff", [])
    ]
    assert "Zie de bijlage." not in json.dumps(announced)  # content stays out of events
    with rpc_as(world.config, world.staff_a) as rpc:
        trail = [
            (e["action"], e["actor"]["id"])
            for e in rpc.dossier.dossier_audit(world.d1["id"], limit=200)["items"]
            if e["object"]["type"] == "message"
        ]
    assert trail == [("message_posted", "staff-a")]


def test_the_rules_hold_for_direct_calls(world):
    d1 = world.d1["id"]
    with rpc_as(world.config, ANN) as rpc:
        for subject, body, ids in (
            ("", "x", None),
            ("  ", "x", None),
            ("a" * 201, "x", None),
            ("a", "x" * 501, None),
            ("a", "", None),
            (None, "x", None),
            ("a", "x", ["id"] * 11),
            ("a", "x", "id"),
        ):
            assert (
                refusal(rpc.dossier.post_message, d1, subject, body, ids) == "ValidationFailed"
            ), (subject, body, ids)
        longest = rpc.dossier.post_message(d1, "a" * 200, "x" * 500)
        assert refusal(rpc.dossier.reply_to_message, longest["id"], "x" * 501) == "ValidationFailed"
        reply = rpc.dossier.reply_to_message(longest["id"], "x")
        assert reply["subject"] == ("Re: " + "a" * 200)[:200]
        assert refusal(rpc.dossier.post_message, world.d2["id"], "a", "b") == "NotFound"
        assert refusal(rpc.dossier.reply_to_message, "no-such-message", "b") == "NotFound"
    for outsider, refused in ((world.staff_b, "NotFound"), (ADMIN, "Forbidden")):
        with rpc_as(world.config, outsider) as rpc:
            assert refusal(rpc.dossier.post_message, d1, "a", "b") == refused
            assert refusal(rpc.dossier.list_messages, d1) == refused
            assert refusal(rpc.dossier.reply_to_message, longest["id"], "b") == refused
            assert refusal(rpc.dossier.mark_message_read, longest["id"]) == refused
    assert len(listed(world, ANN)) == 2


def test_a_look_along_session_reads_but_marks_and_sends_nothing(world):
    with rpc_as(world.config, world.staff_a) as rpc:
        sent = rpc.dossier.post_message(world.d1["id"], "Offerte", "Graag tekenen.")
    looking = Principal(
        account_id=ANN.account_id,
        kind="client",
        read_only=True,
        looked_along_by="staff-a",
        scope_office_id=world.office_a,
    )
    with rpc_as(world.config, looking) as rpc:
        [seen] = rpc.dossier.list_messages(world.d1["id"])["items"]
        assert (seen["id"], seen["direction"], seen["read"]) == (sent["id"], "incoming", False)
        rpc.dossier.mark_message_read(sent["id"])
        assert refusal(rpc.dossier.post_message, world.d1["id"], "a", "b") == "ReadOnlySession"
        assert refusal(rpc.dossier.reply_to_message, sent["id"], "b") == "ReadOnlySession"
    assert counts(world, ANN) == {"total": 1, "unread": 1}
    assert [m["read"] for m in listed(world, world.staff_a)] == [False]
