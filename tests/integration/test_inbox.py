"""Inbox: every event taken is recorded once by its id, handled in its own transaction,
retried with backoff when the handler fails, parked after the last attempt where an
admin sees and replays it. Runs on SQLite and PostgreSQL."""

import pytest
from nameko.standalone.events import event_dispatcher
from nameko.standalone.rpc import ClusterRpcProxy
from nameko.testing.services import entrypoint_waiter

from services.common.context import Principal
from services.common.errors import KluisError
from services.common.unit_of_work import event_envelope

from .kit import (
    INBOX_BEHAVIOUR,
    Inboxer,
    inbox_metadata,
    principal_context,
    reset_inbox_behaviour,
    seen,
    select_all,
    wait_until,
)

inbox = inbox_metadata.tables["inbox"]
ADMIN = Principal(account_id="admin-1", kind="admin")
CLIENT = Principal(account_id="client-1", kind="client")


@pytest.fixture
def inboxer(config, make_db_url, engines, start_service):
    """-> (container, engine) of the running inboxer."""
    reset_inbox_behaviour()
    url = make_db_url("inboxer")
    engine = engines(url)
    inbox_metadata.create_all(engine)
    container = start_service(Inboxer, {**config, "DB_URL": url})
    yield container, engine
    reset_inbox_behaviour()


def deliver(config, container, event, times=1):
    """Publish `event` as producer would, `times` times; wait until each was taken."""
    taken = []

    def all_taken(worker_ctx, result, exc_info):
        taken.append(exc_info)
        return len(taken) == times

    dispatch = event_dispatcher(config)
    with entrypoint_waiter(container, "handle_thing_happened", timeout=10, callback=all_taken):
        for _ in range(times):
            dispatch("producer", "thing_happened", event)
    assert taken == [None] * times  # accepted (safely recorded) every time: ack is safe


def inbox_row(engine, event):
    rows = select_all(engine, inbox, inbox.c.message_id == event["event_id"])
    assert len(rows) == 1
    return rows[0]


def status_is(engine, event, status):
    return lambda: inbox_row(engine, event).status == status


def rpc_as(config, principal=None):
    context = principal_context(principal)
    return ClusterRpcProxy(config, context_data=context)


def test_duplicate_delivery_is_handled_once(config, inboxer):
    container, engine = inboxer
    event = event_envelope("thing_happened", "account-1", {"x": 1})
    deliver(config, container, event, times=2)

    wait_until(status_is(engine, event, "done"), message="the event handled")
    assert INBOX_BEHAVIOUR["calls"] == [event["event_id"]]
    assert [(r.event_id, r.x) for r in select_all(engine, seen)] == [(event["event_id"], 1)]
    row = inbox_row(engine, event)
    assert (row.source, row.attempts, row.last_error) == ("producer.thing_happened", 0, None)
    assert row.payload == "{}" and row.done_at is not None


def test_failing_handler_is_retried_in_the_background_until_it_works(config, inboxer):
    container, engine = inboxer
    INBOX_BEHAVIOUR["fail_first"] = 2
    event = event_envelope("thing_happened", "account-1", {"x": 2})
    deliver(config, container, event)

    wait_until(status_is(engine, event, "done"), message="the event handled at last")
    assert INBOX_BEHAVIOUR["calls"] == [event["event_id"]] * 3
    row = inbox_row(engine, event)
    assert row.attempts == 2 and row.last_error is None
    # the failed attempts were rolled back: one effect
    assert [r.x for r in select_all(engine, seen)] == [2]


def test_a_message_about_an_erased_person_is_parked_at_once_not_retried(config, inboxer):
    """Writing a personal field of an erased person (FieldKeyShredded) is ClientErased in
    every Store's unit of work: a refusal no retry can change, so parked at once."""
    container, engine = inboxer
    INBOX_BEHAVIOUR["erased"] = True
    event = event_envelope("thing_happened", "account-1", {"x": 4})
    deliver(config, container, event)

    wait_until(status_is(engine, event, "parked"), message="the event parked")
    row = inbox_row(engine, event)
    assert (row.attempts, row.last_error) == (1, "ClientErased")
    assert len(INBOX_BEHAVIOUR["calls"]) == 1


def test_handler_that_keeps_failing_is_parked_listed_and_replayed(config, inboxer):
    container, engine = inboxer
    INBOX_BEHAVIOUR["always_fail"] = True
    event = event_envelope("thing_happened", "account-1", {"x": 3})
    deliver(config, container, event)

    wait_until(status_is(engine, event, "parked"), message="the event parked")
    assert len(INBOX_BEHAVIOUR["calls"]) == 3  # INBOX_MAX_ATTEMPTS
    row = inbox_row(engine, event)
    assert (row.attempts, row.last_error) == (3, "Boom")
    assert select_all(engine, seen) == []

    with rpc_as(config, ADMIN) as rpc:
        parked = rpc.inboxer.list_parked_messages()
    assert parked == {
        "items": [
            {
                "message_id": event["event_id"],
                "source": "producer.thing_happened",
                "attempts": 3,
                "last_error": "Boom",
                "received_at": row.received_at.isoformat(),
            }
        ],
        "next_cursor": None,
    }

    for principal, refusal in ((CLIENT, "Forbidden"), (None, "Unauthenticated")):
        with rpc_as(config, principal) as rpc:
            for call in (
                rpc.inboxer.list_parked_messages,
                lambda: rpc.inboxer.replay_parked_message(event["event_id"]),
            ):
                with pytest.raises(KluisError) as raised:
                    call()
                assert type(raised.value).__name__ == refusal
    assert inbox_row(engine, event).status == "parked"  # the refused replay changed nothing

    INBOX_BEHAVIOUR["always_fail"] = False  # "fix" the handler
    with rpc_as(config, ADMIN) as rpc:
        assert rpc.inboxer.replay_parked_message(event["event_id"]) is None
        wait_until(status_is(engine, event, "done"), message="the replayed event handled")
        assert rpc.inboxer.list_parked_messages() == {"items": [], "next_cursor": None}
        with pytest.raises(KluisError) as raised:  # no longer parked
            rpc.inboxer.replay_parked_message(event["event_id"])
        assert type(raised.value).__name__ == "NotFound"
    assert len(INBOX_BEHAVIOUR["calls"]) == 4
    assert [r.x for r in select_all(engine, seen)] == [3]


def test_slow_handler_is_not_run_again_by_the_retry_loop_meanwhile(
    config, inboxer, backend, request
):
    container, engine = inboxer
    INBOX_BEHAVIOUR["slow_s"] = 0.6  # a handler doing I/O; the retry loop ticks every 0.2 s
    event = event_envelope("thing_happened", "account-1", {"x": 4})
    deliver(config, container, event)

    wait_until(status_is(engine, event, "done"), message="the event handled")
    assert INBOX_BEHAVIOUR["calls"] == [event["event_id"]]
    wait_until(lambda: select_all(engine, seen), message="the handler's effect")
    assert len(select_all(engine, seen)) == 1
