"""Leases (services/common/lease.py): work that must happen once is done by one instance
at a time, on SQLite (a file lock beside the database) and PostgreSQL (an advisory
lock); a lease is never waited for, and a holder that dies leaves it free."""

import itertools
import signal
import subprocess
import sys
import textwrap

import pytest
from nameko.testing.utils import get_extension

from services.common.lease import lease
from services.common.store import Store

from .kit import Ticker, rounds, select_all, ticker_metadata, wait_until


@pytest.fixture
def engine(make_db_url, engines):
    engine = engines(make_db_url("ticker"))
    ticker_metadata.create_all(engine)
    return engine


def test_one_holder_at_a_time(engine, engines):
    other = engines(str(engine.url.render_as_string(hide_password=False)))
    with lease(engine, "janitor") as held:
        assert held is True
        with lease(other, "janitor") as second:
            assert second is False  # taken: skipped, not waited for
        with lease(other, "reminders") as different:
            assert different is True  # another name is another lease
    with lease(other, "janitor") as held_after:
        assert held_after is True  # released when the block ended


class OtherTicker(Ticker):
    name = "other_ticker"


def test_a_lease_is_its_services_even_when_services_share_a_database(config, engine, start_service):
    url = engine.url.render_as_string(hide_password=False)

    def store_of(service_cls):  # a Store set up as its container would, not started
        container = start_service(service_cls, {**config, "DB_URL": url}, run=False)
        store = get_extension(container, Store)
        store.setup()
        return store

    ticker, ticker_twin, other = store_of(Ticker), store_of(Ticker), store_of(OtherTicker)
    with ticker.lease("janitor") as held:
        assert held is True
        with ticker_twin.lease("janitor") as twin_held:
            assert twin_held is False  # another instance of the same service
        with other.lease("janitor") as other_held:
            assert other_held is True  # another service's timer of the same name


def test_a_bad_name_is_refused(engine):
    with pytest.raises(ValueError), lease(engine, "../x"):
        pass


def test_a_holder_that_dies_leaves_it_free(engine):
    url = engine.url.render_as_string(hide_password=False)
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            textwrap.dedent(f"""
        import time
        from sqlalchemy import create_engine
        from services.common.lease import lease
        with lease(create_engine({url!r}), "janitor") as held:
            print("held" if held else "not held", flush=True)
            time.sleep(60)
        """),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        with lease(engine, "janitor") as held:
            assert held is False
    finally:
        holder.send_signal(signal.SIGKILL)
        holder.wait(10)
        holder.stdout.close()

    def free():
        with lease(engine, "janitor") as held:
            return held

    wait_until(free, message="the lease freed by the holder's death")


def test_two_instances_never_run_a_round_at_once(config, engine, start_service):
    url = engine.url.render_as_string(hide_password=False)
    for instance in ("a", "b"):
        start_service(Ticker, {**config, "DB_URL": url, "TICKER_INSTANCE": instance})
    wait_until(
        lambda: len(select_all(engine, rounds, rounds.c.ended_at.is_not(None))) >= 12,
        timeout=20,
        message="a dozen rounds",
    )
    done = sorted(
        (r.started_at, r.ended_at, r.instance)
        for r in select_all(engine, rounds, rounds.c.ended_at.is_not(None))
    )
    for (_, ended, _), (started, _, _) in itertools.pairwise(done):
        assert started >= ended, "two rounds overlapped"
