"""The budget of a check of a PDF (pades.Budget): a file with more signature fields or
objects than allowed is refused before pyHanko's expensive work, also when its fields
are not written out in the open; an ordinary sealed file is within it. And the verify
endpoint's one-time tickets and rate limit (verification.py)."""

import io
import time
from datetime import timedelta

import pytest
import sqlalchemy as sa
from pyhanko.pdf_utils.reader import PdfFileReader
from sqlalchemy.orm import Session

from services.common.errors import NotFound
from services.signing import verification
from services.signing.exceptions import RateLimited
from services.signing.models import metadata
from services.signing.pades import Budget, TooComplex, sign_pdf, verify_pdf
from services.signing.platform_key import load_or_create
from tests import hostile, samples

BUDGET = Budget(max_fields=50, max_objects=100_000)


@pytest.fixture(scope="module")
def identity(tmp_path_factory):
    return load_or_create(tmp_path_factory.mktemp("var"))


@pytest.fixture(scope="module")
def sealed(identity):
    return sign_pdf(samples.pdf(), identity, "x")


def test_an_ordinary_sealed_file_is_within_the_budget(identity, sealed):
    assert verify_pdf(sealed, identity.root_pem, BUDGET)["valid"] is True


def test_too_many_signature_fields_are_refused_before_the_work(identity, sealed):
    many = hostile.signature_fields(3000, hostile.cms_of(sealed))
    started = time.monotonic()
    with pytest.raises(TooComplex):
        verify_pdf(many, identity.root_pem, BUDGET)
    assert time.monotonic() - started < 3  # pyHanko needed ~8 s for all of them


def test_fields_are_counted_in_the_parsed_form_too(sealed):
    """Fields packed in a compressed object stream escape the raw scan; the walk of
    the parsed form finds them (here: called on its own)."""
    many = hostile.signature_fields(200, hostile.cms_of(sealed))
    with pytest.raises(TooComplex):
        BUDGET.check_form(PdfFileReader(io.BytesIO(many), strict=False))
    BUDGET.check_form(PdfFileReader(io.BytesIO(sealed), strict=False))  # one field: fine


def test_too_many_objects_are_refused(sealed):
    with pytest.raises(TooComplex):
        Budget(max_fields=50, max_objects=5).check_bytes(sealed + b"\n1 0 obj\n" * 10)


class _Uow:
    def __init__(self, session):
        self.session = session


@pytest.fixture
def uow():
    engine = sa.create_engine("sqlite://")
    metadata.create_all(engine)
    with Session(engine) as session:
        yield _Uow(session)


def test_a_ticket_is_good_once(uow):
    limit = verification.PER_ADDRESS
    grant = verification.begin(uow, limit, "198.51.100.7")
    with pytest.raises(NotFound):
        verification.claim(uow, grant["verification_id"], "wrong")
    verification.claim(uow, grant["verification_id"], grant["ticket"])
    with pytest.raises(NotFound):
        verification.claim(uow, grant["verification_id"], grant["ticket"])


def test_an_expired_ticket_is_refused_and_swept(uow, monkeypatch):
    grant = verification.begin(uow, verification.PER_ADDRESS, "198.51.100.7")
    later = verification.utcnow() + verification.TICKET_TTL + timedelta(seconds=1)
    monkeypatch.setattr(verification, "utcnow", lambda: later)
    verification.sweep(uow)
    with pytest.raises(NotFound):
        verification.claim(uow, grant["verification_id"], grant["ticket"])


def test_checks_are_limited_per_source_address(uow):
    limit = verification.PER_ADDRESS.scaled(burst=2)
    for _ in range(2):
        verification.begin(uow, limit, "198.51.100.7")
    with pytest.raises(RateLimited) as refused:
        verification.begin(uow, limit, "198.51.100.7")
    assert refused.value.details["retry_after_s"] >= 1
    verification.begin(uow, limit, "198.51.100.8")  # another address: its own turns


def test_checks_at_once_are_limited_and_more_are_refused_not_queued():
    slots = verification.Slots()
    slots.take(1)
    with pytest.raises(RateLimited):
        slots.take(1)
    slots.give_back()
    slots.take(1)
