"""services.common.rpc.TimedRpcProxy against the real broker: every call has a deadline
(ServiceTimeout), a service nobody serves is reported (ServiceUnavailable), and a call
whose caller gave up expires in its queue instead of running when the service returns;
calls and answers travel transient (services.common.service.rpc answers)."""

import logging

import eventlet
import kombu
import pytest
from nameko.amqp.publish import Publisher, UndeliverableMessage
from nameko.constants import DEFAULT_TRANSPORT_OPTIONS
from nameko.exceptions import IncorrectSignature
from nameko.testing.services import entrypoint_hook
from nameko.testing.utils import get_extension

from services.common.rpc import ServiceTimeout, ServiceUnavailable, TimedRpcProxy, _ReplyListener
from services.common.service import rpc

CALLS = []  # what echo executed, in order


class Echo:
    name = "echo"

    @rpc
    def record(self, value):
        CALLS.append(value)
        return value

    @rpc
    def linger(self, seconds):
        eventlet.sleep(seconds)
        return "late"


class Caller:
    name = "caller"
    echo = TimedRpcProxy("echo", timeout=1)
    patient_echo = TimedRpcProxy("echo", timeout=10)
    ghost = TimedRpcProxy("ghost", timeout=1)

    @rpc
    def ask(self, proxy, method, *args, **kwargs):
        return getattr(getattr(self, proxy), method)(*args, **kwargs)


@pytest.fixture(autouse=True)
def clean_calls():
    CALLS.clear()
    yield
    CALLS.clear()


@pytest.fixture
def caller(config, start_service):
    return start_service(Caller, config)


def test_answer_within_the_deadline(config, caller, start_service):
    start_service(Echo, config)
    with entrypoint_hook(caller, "ask") as ask:
        assert ask("echo", "record", "hello") == "hello"
        assert ask("echo", "linger", 0.1) == "late"


def test_arguments_the_method_does_not_take_are_refused_unexecuted(config, caller, start_service):
    start_service(Echo, config)
    with entrypoint_hook(caller, "ask") as ask:
        for args, kwargs in ((("a", "b"), {}), ((), {}), (("a",), {"colour": "red"})):
            with pytest.raises(IncorrectSignature):
                ask("echo", "record", *args, **kwargs)
        assert ask("echo", "record", value="kw") == "kw"
    assert CALLS == ["kw"]


def test_slow_service_raises_service_timeout(config, caller, start_service):
    start_service(Echo, config)
    with entrypoint_hook(caller, "ask") as ask:
        with pytest.raises(ServiceTimeout) as raised:
            ask("echo", "linger", 2)
    assert raised.value.details == {"service": "echo"}
    assert raised.value.code == "service_timeout"


def test_service_that_does_not_exist_raises_service_unavailable(
    caller, config, start_service, caplog
):
    for _ in range(3):
        with entrypoint_hook(caller, "ask") as ask:
            with pytest.raises(ServiceUnavailable) as raised:
                ask("ghost", "anything", 1)
        assert raised.value.details == {"service": "ghost"}
    start_service(Echo, config)  # and the channel the refusals came on still serves calls
    with entrypoint_hook(caller, "ask") as ask:
        assert ask("echo", "record", "after") == "after"
    # quietly: py-amqp warned "Received method (60, 80) during closing channel" for each
    # (nameko.containers' "expected error" lines are left out by every config.yaml)
    warnings = [
        r.getMessage()
        for r in caplog.records
        if r.levelno >= logging.WARNING and r.name != "nameko.containers"
    ]
    assert warnings == []


def test_calls_that_failed_leave_no_reply_event_behind(config, caller, start_service):
    """The reply listener keeps a reply event per call until its answer comes: one
    that will never come (nobody to call, a caller that gave up) must not stay."""
    pending = get_extension(caller, _ReplyListener)._reply_events
    start_service(Echo, config)
    with entrypoint_hook(caller, "ask") as ask:
        for _ in range(3):
            with pytest.raises(ServiceUnavailable):
                ask("ghost", "anything", 1)
        assert pending == {}
        with pytest.raises(ServiceTimeout):
            ask("echo", "linger", 2)
        assert pending == {}  # at once, not only when (or if) the late answer comes
        assert ask("echo", "record", "answered") == "answered"
        assert pending == {}


def given_up_call_then_fresh_call(config, caller, start_service, **call_options):
    """echo's queue exists but nobody serves it: a call times out; echo comes back and
    answers a fresh call. -> what echo executed."""
    echo = start_service(Echo, config)
    echo.kill()  # its durable queue `rpc-echo` stays
    proxy = call_options.pop("proxy", "echo")
    with entrypoint_hook(caller, "ask") as ask:
        with pytest.raises(ServiceTimeout):
            ask(proxy, "record", "given-up", **call_options)
    start_service(Echo, config)
    with entrypoint_hook(caller, "ask") as ask:
        assert ask("echo", "record", "fresh") == "fresh"
    return list(CALLS)


def test_call_whose_caller_gave_up_expires_unexecuted(config, caller, start_service):
    assert given_up_call_then_fresh_call(config, caller, start_service) == ["fresh"]


def test_call_with_a_shorter_timeout_expires_with_it(config, caller, start_service):
    executed = given_up_call_then_fresh_call(
        config, caller, start_service, proxy="patient_echo", timeout=1
    )
    assert executed == ["fresh"]


def test_calls_and_answers_are_transient(config, caller, start_service):
    """A call waits for its answer, and expires with its deadline: neither is worth a
    disk write in the broker (persisting them cost the broker more than half its work
    per request, tests/perf/bench_http.py). Events keep their persistence elsewhere."""
    start_service(Echo, config)
    with kombu.Connection(config["AMQP_URI"]) as connection:
        spy = kombu.Queue(
            "spy",
            kombu.Exchange("nameko-rpc", type="topic", durable=True),
            routing_key="#",
            exclusive=True,
        )
        spy(connection.default_channel).declare()
        with entrypoint_hook(caller, "ask") as ask:
            assert ask("echo", "record", "hello") == "hello"
        seen = []
        while (message := spy(connection.default_channel).get(no_ack=True)) is not None:
            seen.append(message)
    kinds = {("call" if m.properties.get("reply_to") else "answer") for m in seen}
    assert kinds == {"call", "answer"}
    assert {m.properties["delivery_mode"] for m in seen} == {1}


def test_answers_leave_other_publishers_confirmed(config, caller, start_service):
    """An answer goes without a confirm, but only its own publisher: nameko keeps one
    transport-options dict for every Publisher, which a pooled connection reads when it
    (re)connects, so an answer's `confirm_publish: False` written there would turn
    confirms off for the outbox and for calls."""
    start_service(Echo, config)
    with entrypoint_hook(caller, "ask") as ask:
        assert ask("echo", "record", "hello") == "hello"
    assert Publisher.transport_options.get("confirm_publish", True) is True
    assert Publisher(config["AMQP_URI"]).use_confirms is True


def test_a_call_to_nobody_leaves_the_no_route_of_other_publishers_alone(
    config, caller, start_service
):
    """Calls hear the broker's "no route" on their channel only while they publish: a
    handler left on the pooled channel would swallow it for the outbox's mandatory
    commands, which would then count as sent. A refused call's channel is replaced; an
    answered call's stays in the pool, and the outbox's publisher (confirmed, as a
    call's) takes it next."""
    start_service(Echo, config)
    with entrypoint_hook(caller, "ask") as ask:
        with pytest.raises(ServiceUnavailable):
            ask("ghost", "anything", 1)
        assert ask("echo", "record", "answered") == "answered"
    publisher = Publisher(config["AMQP_URI"], use_confirms=True)
    publisher.transport_options = {**DEFAULT_TRANSPORT_OPTIONS, "confirm_publish": True}
    with pytest.raises(UndeliverableMessage):
        publisher.publish(
            {},
            exchange=kombu.Exchange("nameko-rpc", type="topic", durable=True),
            routing_key="ghost.anything",
            mandatory=True,
        )
