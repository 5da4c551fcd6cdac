"""services/notify/schemas.py through services.common.schemas.load: a client's news
preferences are booleans for known topics, any of them left out; anything else is
ValidationFailed naming the field, as the gateway maps to 400 `validation_error`."""

import pytest

from services.common.errors import ValidationFailed
from services.common.schemas import load
from services.notify.preferences import TOPICS
from services.notify.schemas import PreferenceChanges

NOT_BOOLEAN = ["Not a valid boolean."]


@pytest.mark.parametrize(
    "changes",
    [{}, {"messages": False}, {"new_documents": True, "questionnaires": False, "messages": True}],
)
def test_good_changes_are_loaded_as_given(changes):
    assert load(PreferenceChanges(), changes) == changes


@pytest.mark.parametrize(
    ("changes", "details"),
    [
        ({"messages": 0}, {"messages": NOT_BOOLEAN}),
        ({"messages": "false"}, {"messages": NOT_BOOLEAN}),
        (
            {"new_documents": None, "questionnaires": 1},
            {"new_documents": NOT_BOOLEAN, "questionnaires": NOT_BOOLEAN},
        ),
        ({"security": False}, {"security": ["Unknown field."]}),
        (["messages"], {"_schema": ["Invalid input type."]}),
    ],
)
def test_bad_changes_name_each_field(changes, details):
    with pytest.raises(ValidationFailed) as refused:
        load(PreferenceChanges(), changes)
    assert refused.value.details == details
    assert refused.value.code == "validation_error"


def test_the_schema_has_a_field_for_every_topic():
    assert set(PreferenceChanges().fields) == set(TOPICS)
