"""The sealing backfill (services/common/field_backfill.py) with a unique blind index: a
legacy row whose address clashes with another's (case or spaces) stays unsealed, logged
by id, and the batch goes on, rather than failing every round."""

import sqlalchemy as sa
from sqlalchemy import text
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

from services.common import field_backfill
from services.common.field_backfill import BackfillColumns, SealingBackfill, state_row
from services.common.field_sealing import FieldKeyring
from services.common.sealed_columns import (
    KEYRING,
    FieldKeyColumns,
    SealedText,
    field_key_relationship,
)

RING = FieldKeyring({"k1": bytes(range(32))}, "k1", b"i" * 32)


class Base(DeclarativeBase):
    pass


class ContactKey(FieldKeyColumns, Base):
    __tablename__ = "contact_keys"


class FieldBackfill(BackfillColumns, Base):
    __tablename__ = "field_backfill"


class Contact(Base):
    __tablename__ = "contacts"
    __field_key__ = ContactKey
    __table_args__ = (sa.UniqueConstraint("email_index"),)

    id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)
    email_sealed = mapped_column("email", sa.Text, nullable=True)
    email_index = mapped_column(sa.String(64), nullable=True)
    email = SealedText("email_sealed", index="email_index", normalise=str.lower)
    field_key = field_key_relationship(ContactKey, "Contact.id")

    def field_owner(self):
        return self.id


class Store:
    def __init__(self, engine):
        self.engine = engine

    def unit_of_work(self):
        store = self

        class Unit:
            def __enter__(self):
                self.session = Session(store.engine, info={KEYRING: RING})
                self.session.begin()
                return self

            def __exit__(self, kind, *_rest):
                if kind is None:
                    self.session.commit()
                else:
                    self.session.rollback()
                self.session.close()

        return Unit()


def test_a_clashing_legacy_address_stays_unsealed_and_the_batch_goes_on(caplog):
    engine = sa.create_engine("sqlite://")
    Base.metadata.create_all(engine)
    with engine.begin() as raw:
        raw.execute(text("INSERT INTO field_backfill (name) VALUES ('fields')"))
        for row_id, email in [("c1", "ada@x.nl"), ("c2", " ADA@x.nl"), ("c3", "bob@x.nl")]:
            raw.execute(
                text("INSERT INTO contacts (id, email) VALUES (:id, :email)"),
                {"id": row_id, "email": email},
            )
    backfill = SealingBackfill(
        service="test",
        models=(Contact,),
        key_model=ContactKey,
        state=state_row(FieldBackfill, "fields"),
    )
    before = field_backfill.UNSEALED.get("contacts", 0)
    assert backfill.backfill(Store(engine), size=2) is True
    with engine.connect() as raw:
        rows = dict(raw.execute(text("SELECT id, email FROM contacts")).all())
    assert rows["c1"].startswith("s1.") and rows["c3"].startswith("s1.")
    assert rows["c2"] == " ADA@x.nl"  # left as it was
    assert field_backfill.UNSEALED["contacts"] == before + 1
    assert "contacts c2" in caplog.text and "ADA" not in caplog.text.upper()
