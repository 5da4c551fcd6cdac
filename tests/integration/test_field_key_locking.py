"""A write sealing under an owner's live field key and the shredding of that key, in two
interleaved transactions on PostgreSQL (services/common/sealed_columns.py): the key row
is read FOR SHARE, so the shredding waits for the writer, and a writer after the
shredding sees the key destroyed, even when it read the key row before."""

import pytest
import sqlalchemy as sa
from sqlalchemy import text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

from services.common.field_sealing import FieldKeyring, FieldKeyShredded
from services.common.sealed_columns import (
    KEYRING,
    FieldKeyColumns,
    SealedText,
    field_key_relationship,
    shred_owner,
)

RING = FieldKeyring({"k1": bytes(range(32))}, "k1", b"i" * 32)


class Base(DeclarativeBase):
    pass


class MemberKey(FieldKeyColumns, Base):
    __tablename__ = "member_keys"


class Member(Base):
    __tablename__ = "members"
    __field_key__ = MemberKey

    id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)
    email_sealed = mapped_column("email", sa.Text, nullable=True)
    email_index = mapped_column(sa.String(64), nullable=True, index=True)
    email = SealedText("email_sealed", index="email_index", normalise=str.lower)
    field_key = field_key_relationship(MemberKey, "Member.id")

    def field_owner(self):
        return self.id


@pytest.fixture
def engine(pg_url):
    engine = sa.create_engine(pg_url)
    Base.metadata.create_all(engine)
    with Session(engine, info={KEYRING: RING}) as s, s.begin():
        s.add(Member(id="m1", email="ada@example.nl"))
    yield engine
    engine.dispose()


def test_shredding_waits_for_a_write_sealing_under_the_live_key(engine):
    writer = Session(engine, info={KEYRING: RING})
    with writer.begin():
        writer.get(Member, "m1").email = "ada@kluis.example"
        writer.flush()  # sealed under the live key, whose row it now holds FOR SHARE
        with engine.connect() as shredder:
            # the shredding's UPDATE would wait: NOWAIT shows the lock without a timer
            with pytest.raises(OperationalError, match="could not obtain lock"):
                shredder.execute(
                    text("SELECT 1 FROM member_keys WHERE owner_id = 'm1' FOR UPDATE NOWAIT")
                )
    writer.close()
    with Session(engine, info={KEYRING: RING}) as s, s.begin():
        assert shred_owner(s, MemberKey, "m1") is True  # after the writer committed
    with Session(engine) as s:
        assert s.scalar(text("SELECT wrapped FROM member_keys")) is None


def test_a_writer_that_read_the_key_before_the_shredding_seals_nothing_after_it(engine):
    with Session(engine, info={KEYRING: RING}) as writer:
        member = writer.get(Member, "m1")  # its key row loaded beside it, still live
        assert member.email == "ada@example.nl"
        with Session(engine, info={KEYRING: RING}) as other, other.begin():
            assert shred_owner(other, MemberKey, "m1") is True
        member.email = "ada@kluis.example"
        with pytest.raises(FieldKeyShredded):
            writer.commit()  # no fresh blind index on an erased person
        writer.rollback()
    with Session(engine) as s:
        index = s.scalar(text("SELECT email_index FROM members"))
    assert index == RING.blind_email("ada@example.nl")  # the old one: erasure blanks it
