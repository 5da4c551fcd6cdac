"""Work in a child process: its JSON answer comes back; a child over its time is killed
(and the caller's event loop kept running meanwhile), one over its memory fails, one
without an answer is an Overrun too."""

import time

import eventlet
import pytest

from services.common.child_process import Overrun, run_module

MODULE = "tests.unit.child_examples"


def test_the_answer_of_a_child():
    assert run_module(MODULE, ["answer", 1, "b"], 30, 256) == {"args": ["1", "b"]}


def test_a_child_over_its_time_is_killed_while_the_loop_keeps_running():
    ticks = []

    def tick():
        while True:
            ticks.append(time.monotonic())
            eventlet.sleep(0.05)

    ticker = eventlet.spawn(tick)
    started = time.monotonic()
    try:
        with pytest.raises(Overrun):
            run_module(MODULE, ["spin"], 1.5, 256)
    finally:
        ticker.kill()
    assert time.monotonic() - started < 10
    assert len(ticks) >= 5  # the hub ran other green threads meanwhile


def test_a_child_over_its_memory_fails():
    with pytest.raises(Overrun):
        run_module(MODULE, ["hog"], 30, 256)


def test_a_child_without_an_answer_is_an_overrun():
    with pytest.raises(Overrun):
        run_module(MODULE, ["silent"], 30, 256)
