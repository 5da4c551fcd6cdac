"""services/documents/erasure.py: which documents the Wwft keeps until the retention
ends (identification and due diligence) and which go at once when a client who asked
for erasure leaves."""

import pytest

from services.documents.erasure import kept_by_law
from services.documents.models import Document


def _document(category, request_id=None, locked=False, message_id=None):
    return Document(category=category, request_id=request_id, locked=locked, message_id=message_id)


@pytest.mark.parametrize(
    "document",
    [
        _document("document"),  # filed by the office: its identification copy, its file
        _document("delivered_by_me", request_id="r"),  # asked for by a request
        _document("document", request_id="r"),  # delivered by the lender for a request
        _document("correspondence", locked=True),  # signed: the evidence of the agreement
        _document("delivered_by_me", locked=True),
    ],
)
def test_identification_and_due_diligence_are_kept(document):
    assert kept_by_law(document)


@pytest.mark.parametrize(
    "document",
    [
        _document("correspondence", message_id="m"),  # the office's message attachment
        _document("correspondence"),
        _document("delivered_by_me", message_id="m"),  # the client's message attachment
        _document("delivered_by_me"),  # the client's own file: a questionnaire's PDF
    ],
)
def test_the_rest_goes_at_once(document):
    assert not kept_by_law(document)
