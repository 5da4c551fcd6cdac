"""The three state machines (services/*/states.py): every move between two states,
allowed or refused, and the error a refused move raises (the service's own, with the
code callers saw before the machines existed)."""

from itertools import product
from types import SimpleNamespace

import pytest

from services.documents.exceptions import NothingToReview, RequestClosed, UploadExpired
from services.documents.states import RequestStates, UploadStates
from services.signing.exceptions import AlreadySigned, SigningRequestClosed
from services.signing.states import SigningRequestStates

SIGNING = ("pending", "signed", "expired", "withdrawn")
SIGNING_ALLOWED = {("pending", "signed"), ("pending", "expired"), ("pending", "withdrawn")}

REQUEST = ("open", "uploaded", "approved", "rejected")
REQUEST_ALLOWED = {
    ("open", "uploaded"),
    ("uploaded", "uploaded"),  # a further file
    ("uploaded", "approved"),
    ("uploaded", "rejected"),
    ("rejected", "uploaded"),  # delivered again after a rejection
}

UPLOAD = ("ticket", "receiving", "stored", "failed", "pending", "attached", "discarded")
UPLOAD_ALLOWED = {
    ("ticket", "receiving"),
    ("receiving", "stored"),
    ("receiving", "failed"),
    ("stored", "attached"),
    ("stored", "pending"),
    ("pending", "attached"),
    *((state, "discarded") for state in ("ticket", "receiving", "stored", "failed", "pending")),
}


def signing_refusal(current, to):
    return AlreadySigned if current == "signed" else SigningRequestClosed


def request_refusal(current, to):
    return RequestClosed if to == "uploaded" else NothingToReview


def cases(machine, states, allowed, refusal):
    for current, to in product(states, states):
        expected = None if (current, to) in allowed else refusal(current, to)
        yield pytest.param(machine, current, to, expected, id=f"{machine.__name__}:{current}>{to}")


ALL = [
    *cases(SigningRequestStates, SIGNING, SIGNING_ALLOWED, signing_refusal),
    *cases(RequestStates, REQUEST, REQUEST_ALLOWED, request_refusal),
    *cases(UploadStates, UPLOAD, UPLOAD_ALLOWED, lambda current, to: UploadExpired),
]


@pytest.mark.parametrize("machine, current, to, refused_with", ALL)
def test_every_move(machine, current, to, refused_with):
    item = SimpleNamespace(status=current)
    assert machine.can(current, to) is (refused_with is None)
    if refused_with is None:
        machine.move(item, to)
        assert item.status == to
    else:
        with pytest.raises(refused_with) as refused:
            machine.move(item, to)
        assert refused.type is refused_with  # not a subclass or sibling by accident
        assert item.status == current  # a refused move changes nothing


def test_the_states_are_the_stored_strings():
    """No migration: the database and the answers keep the strings they had."""
    signing = SigningRequestStates
    assert (signing.PENDING, signing.SIGNED, signing.EXPIRED, signing.WITHDRAWN) == SIGNING
    request = RequestStates
    assert (request.OPEN, request.UPLOADED, request.APPROVED, request.REJECTED) == REQUEST
    assert request.OPEN_FOR_CLIENT == ("open", "rejected")
    upload = UploadStates
    assert (
        upload.TICKET,
        upload.RECEIVING,
        upload.STORED,
        upload.FAILED,
        upload.PENDING,
        upload.ATTACHED,
        upload.DISCARDED,
    ) == UPLOAD
    assert upload.IN_TRANSFER == ("ticket", "receiving")
    assert set(upload.sources("discarded")) == set(UPLOAD) - {"attached", "discarded"}
    assert upload.sources("stored") == upload.sources("failed") == ("receiving",)
