"""services/dossier/schemas.py through services.common.schemas.load: good input comes
back cleaned (texts trimmed, repeated attachment ids dropped, the task filter's
default), bad input is ValidationFailed with the details the gateway maps to 400
`validation_error` (the same keys and words as before the schemas)."""

import pytest

from services.common.errors import ValidationFailed
from services.common.schemas import load
from services.dossier import schemas
from services.dossier.messages import check_message, check_reply

REQUIRED = ["Missing data for required field."]
TOO_MANY = ["At most 10 attachment ids."]

GOOD = [
    (
        schemas.NewMessage(),
        {"subject": "  Hi ", "body": " Text ", "attachment_ids": ["a", "b", "a"]},
        {"subject": "Hi", "body": "Text", "attachment_ids": ["a", "b"]},
    ),
    (
        schemas.NewMessage(),
        {"subject": "s" * 200, "body": "b" * 500, "attachment_ids": None},
        {"subject": "s" * 200, "body": "b" * 500, "attachment_ids": []},
    ),
    (schemas.Reply(), {"body": "x"}, {"body": "x", "attachment_ids": []}),
    (schemas.Consent(), {"shared": False}, {"shared": False}),
    (schemas.TaskFilter(), {"status": "all"}, {"status": "all"}),
    (schemas.TaskFilter(), {}, {"status": "open"}),
]

BAD = [
    (schemas.NewMessage(), {"body": "x"}, {"subject": REQUIRED}),
    (
        schemas.NewMessage(),
        {"subject": "   ", "body": None, "attachment_ids": "a"},
        {"subject": REQUIRED, "body": REQUIRED, "attachment_ids": TOO_MANY},
    ),
    (
        schemas.NewMessage(),
        {"subject": "s" * 201, "body": 5},
        {"subject": ["Length must be between 1 and 200."], "body": REQUIRED},
    ),
    (schemas.Reply(), {"body": " " + "b" * 501}, {"body": ["Length must be between 1 and 500."]}),
    (schemas.Reply(), {"body": "x", "attachment_ids": ["a"] * 11}, {"attachment_ids": TOO_MANY}),
    (schemas.Reply(), {"body": "x", "attachment_ids": [""]}, {"attachment_ids": TOO_MANY}),
    (schemas.Reply(), {"body": "x", "attachment_ids": ["a" * 37]}, {"attachment_ids": TOO_MANY}),
    (schemas.Reply(), {"body": "x", "attachment_ids": [1]}, {"attachment_ids": TOO_MANY}),
    (schemas.Consent(), {"shared": 0}, {"shared": ["Not a valid boolean."]}),
    (schemas.Consent(), {"shared": "true"}, {"shared": ["Not a valid boolean."]}),
    (schemas.Consent(), {"shared": None}, {"shared": ["Not a valid boolean."]}),
    (schemas.TaskFilter(), {"status": "late"}, {"status": ["Must be one of: open, done, all."]}),
    (schemas.TaskFilter(), {"status": None}, {"status": ["Must be one of: open, done, all."]}),
    (schemas.TaskFilter(), {"status": 1}, {"status": ["Must be one of: open, done, all."]}),
]


@pytest.mark.parametrize(("schema", "data", "loaded"), GOOD)
def test_good_input_is_loaded_clean(schema, data, loaded):
    assert load(schema, data) == loaded


@pytest.mark.parametrize(("schema", "data", "details"), BAD)
def test_bad_input_names_each_field(schema, data, details):
    with pytest.raises(ValidationFailed) as refused:
        load(schema, data)
    assert refused.value.details == details
    assert refused.value.code == "validation_error"


def test_the_use_cases_check_with_the_schemas():
    assert check_message(" S ", " B ", None) == ("S", "B", [])
    assert check_reply("B", ["x", "x"]) == ("B", ["x"])
    with pytest.raises(ValidationFailed) as refused:
        check_reply("", ["a"] * 11)
    assert refused.value.details == {"body": REQUIRED, "attachment_ids": TOO_MANY}
