"""One way to refuse (services/common/unit_of_work.py): `uow.refuse(error)` keeps what the unit
wrote (the record of the refusal: a miss counted, its event) and then raises `error`
itself; raising the error instead keeps nothing."""

import pytest
import sqlalchemy as sa
from eventlet.event import Event
from sqlalchemy.orm import Session

from services.common.errors import KluisError
from services.common.events import Event as DeclaredEvent
from services.common.events import event
from services.common.plumbing import plumbing_tables
from services.common.store import Store
from services.common.unit_of_work import unit_of_work
from services.identity.exceptions import UnknownCombination

metadata = sa.MetaData()
plumbing_tables(metadata)
misses = sa.Table(
    "misses",
    metadata,
    sa.Column("key", sa.String(20), primary_key=True),
    sa.Column("count", sa.Integer, nullable=False),
)


@pytest.fixture
def engine():
    engine = sa.create_engine(
        "sqlite://", poolclass=sa.pool.StaticPool, connect_args={"check_same_thread": False}
    )
    metadata.create_all(engine)
    yield engine
    engine.dispose()


@event("identify_missed")
class IdentifyMissed(DeclaredEvent):
    """A lookup found nothing."""

    key: str


def count_a_miss(uow):
    uow.session.execute(sa.insert(misses).values(key="198.51.100.7", count=1))
    uow.emit(IdentifyMissed(key="198.51.100.7"), actor=None)


def kept(engine):
    with Session(engine) as session:
        return (
            session.execute(sa.select(misses.c.count)).scalars().all(),
            session.execute(sa.select(metadata.tables["outbox"].c.routing_key)).scalars().all(),
        )


def test_a_refusal_keeps_what_the_unit_wrote_and_raises_the_error_itself(engine):
    with pytest.raises(UnknownCombination) as refused:
        with unit_of_work(engine, "identity", metadata.tables["outbox"]) as uow:
            count_a_miss(uow)
            uow.refuse(UnknownCombination({"attempts_left": 2}))
    assert type(refused.value) is UnknownCombination  # what nameko and the gateway see
    assert refused.value.details == {"attempts_left": 2}
    assert refused.value.__cause__ is None and refused.value.__suppress_context__
    assert uow.committed
    assert kept(engine) == ([1], ["identify_missed"])


def test_an_error_raised_instead_keeps_nothing(engine):
    with pytest.raises(UnknownCombination):
        with unit_of_work(engine, "identity", metadata.tables["outbox"]) as uow:
            count_a_miss(uow)
            raise UnknownCombination({"attempts_left": 2})
    assert not uow.committed
    assert kept(engine) == ([], [])


def test_only_a_kluis_error_is_a_refusal(engine):
    with pytest.raises(TypeError):
        with unit_of_work(engine, "identity", metadata.tables["outbox"]) as uow:
            count_a_miss(uow)
            uow.refuse(ValueError("not for a caller"))
    assert kept(engine) == ([], [])


def test_the_relay_is_woken_for_what_a_refusal_kept(engine):
    """The outbox row of a refusal (a lock's e-mail, say) goes out at once, as after a
    unit that ended normally; a rolled-back unit wakes nobody."""
    store = Store(metadata)
    store.engine, store.service_name, store._kick = engine, "identity", Event()
    with pytest.raises(KluisError):
        with store.transaction() as uow:
            count_a_miss(uow)
            raise KluisError()
    assert not store._kick.ready()
    with pytest.raises(UnknownCombination):
        with store.transaction() as uow:
            count_a_miss(uow)
            uow.refuse(UnknownCombination({"attempts_left": 1}))
    assert store._kick.ready()
