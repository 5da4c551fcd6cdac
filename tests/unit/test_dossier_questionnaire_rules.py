"""questionnaire_rules: what a template may hold, what each type of answer may be, and
what is missing before completion."""

import copy
import math

import pytest

from services.common.errors import ValidationFailed
from services.dossier.questionnaire_rules import (
    check_answers,
    check_template,
    is_date,
    missing_answers,
)


def question(key="income", type="number", required=True, **extra):
    return {"key": key, "label": f"Label {key}", "type": type, "required": required, **extra}


PAGES = [
    {
        "title": "Werk",
        "questions": [
            question("employer", "text"),
            question("income"),
            question("since", "date", False),
            question("permanent", "yes_no"),
            question("contract", "choice", False, options=["vast", "tijdelijk"]),
        ],
    },
    {
        "title": "Wonen",
        "questions": [question("address", "text"), question("remarks", "text", False)],
    },
]


def faults(title="Intake", pages=None):
    with pytest.raises(ValidationFailed) as raised:
        check_template(title, PAGES if pages is None else pages)
    return raised.value.details


def test_a_good_template_comes_back_cleaned():
    pages = copy.deepcopy(PAGES)
    pages[0]["title"] = "  Werk  "
    del pages[1]["questions"][1]["required"]
    title, cleaned = check_template(" Intake ", pages)
    assert title == "Intake" and cleaned[0]["title"] == "Werk"
    assert cleaned[1]["questions"][1] == {
        "key": "remarks",
        "label": "Label remarks",
        "type": "text",
        "required": False,
    }
    assert cleaned[0]["questions"][4]["options"] == ["vast", "tijdelijk"]
    assert "options" not in cleaned[0]["questions"][0]


@pytest.mark.parametrize(
    "title, message",
    [
        ("", "Length must be between 1 and 200."),
        ("   ", "Length must be between 1 and 200."),
        ("x" * 201, "Length must be between 1 and 200."),
        (None, "Field may not be null."),
        (12, "Not a valid string."),
    ],
)
def test_the_title_is_1_to_200_characters(title, message):
    assert faults(title) == {"title": [message]}


@pytest.mark.parametrize(
    "pages, message",
    [
        ([], "Length must be between 1 and 20."),
        ("page", "Not a valid list."),
        (
            [
                {"title": "P", "questions": [question(f"q{i}_{n}") for n in range(1)]}
                for i in range(21)
            ],
            "Length must be between 1 and 20.",
        ),
    ],
)
def test_one_to_twenty_pages(pages, message):
    assert faults(pages=pages) == {"pages": [message]}


def test_one_to_fifty_questions_per_page():
    pages = [
        {"title": "Leeg", "questions": []},
        {"title": "Vol", "questions": [question(f"q{n}") for n in range(51)]},
    ]
    assert faults(pages=pages) == {
        "pages": {
            "0": {"questions": ["Length must be between 1 and 50."]},
            "1": {"questions": ["Length must be between 1 and 50."]},
        }
    }


@pytest.mark.parametrize(
    "key", ["Income", "inkomen-bruto", "", "a" * 41, "één", "a b", "a\n", 5, None]
)
def test_keys_are_1_to_40_of_a_z_digits_underscore(key):
    pages = [{"title": "P", "questions": [question(key)]}]
    assert faults(pages=pages) == {
        "pages": {"0": {"questions": {"0": {"key": ["Use 1 to 40 characters: a-z, 0-9 or _."]}}}}
    }


def test_keys_are_unique_across_the_whole_template():
    pages = [
        {"title": "A", "questions": [question("income"), question("a_1")]},
        {"title": "B", "questions": [question("b"), question("income")]},
    ]
    assert faults(pages=pages) == {
        "pages": {
            "1": {"questions": {"1": {"key": ["This key is already used in this questionnaire."]}}}
        }
    }


def test_labels_types_and_required_flags_are_checked():
    pages = [
        {
            "title": "P",
            "questions": [
                {"key": "a", "label": "x" * 301, "type": "text"},
                {"key": "b", "type": "email", "required": "ja"},
                {"key": "c", "label": "Ok", "type": "text", "hint": "?"},
            ],
        }
    ]
    assert faults(pages=pages) == {
        "pages": {
            "0": {
                "questions": {
                    "0": {"label": ["Length must be between 1 and 300."]},
                    "1": {
                        "label": ["Missing data for required field."],
                        "type": ["Must be one of: text, number, date, yes_no, choice."],
                        "required": ["Not a valid boolean."],
                    },
                    "2": {"hint": ["Unknown field."]},
                }
            }
        }
    }


@pytest.mark.parametrize(
    "options, message",
    [
        (None, "A choice question needs options."),
        ([], "Length must be between 1 and 30."),
        ([str(n) for n in range(31)], "Length must be between 1 and 30."),
        (["ja", "nee", "ja"], "Options must be unique."),
        ("ja,nee", "Not a valid list."),
    ],
)
def test_a_choice_has_1_to_30_distinct_options(options, message):
    pages = [{"title": "P", "questions": [question("c", "choice", options=options)]}]
    assert faults(pages=pages) == {"pages": {"0": {"questions": {"0": {"options": [message]}}}}}


def test_each_option_is_a_text_of_1_to_200_characters():
    pages = [
        {"title": "P", "questions": [question("c", "choice", options=["ok", "", "x" * 201, 3])]}
    ]
    assert faults(pages=pages) == {
        "pages": {
            "0": {
                "questions": {
                    "0": {
                        "options": {
                            "1": ["Length must be between 1 and 200."],
                            "2": ["Length must be between 1 and 200."],
                            "3": ["Not a valid string."],
                        }
                    }
                }
            }
        }
    }


@pytest.mark.parametrize("type", ["text", "number", "date", "yes_no"])
def test_only_a_choice_question_has_options(type):
    pages = [{"title": "P", "questions": [question("q", type, options=["a"])]}]
    assert faults(pages=pages) == {
        "pages": {"0": {"questions": {"0": {"options": ["Only a choice question has options."]}}}}
    }


def test_pages_and_questions_must_be_objects_with_known_fields():
    pages = [["not", "a", "page"], {"title": "P", "questions": ["q"], "intro": "Hallo"}]
    assert faults(pages=pages) == {
        "pages": {
            "0": {"_schema": ["Invalid input type."]},
            "1": {
                "intro": ["Unknown field."],
                "questions": {"0": {"_schema": ["Invalid input type."]}},
            },
        }
    }


# -- answers ---------------------------------------------------------------------------------
def answer_faults(answers, page=0):
    with pytest.raises(ValidationFailed) as raised:
        check_answers(PAGES[page], answers)
    return raised.value.details["answers"]


GOOD = {
    "employer": "  Bakkerij de Korenaar ",
    "income": 3150.5,
    "since": "2020-02-29",
    "permanent": False,
    "contract": "vast",
}


def test_good_answers_are_kept_with_text_stripped():
    assert check_answers(PAGES[0], GOOD) == {**GOOD, "employer": "Bakkerij de Korenaar"}


def test_optional_questions_may_be_left_open_with_null_or_left_out():
    given = {**GOOD, "since": None}
    del given["contract"]
    assert check_answers(PAGES[0], given) == {
        "employer": "Bakkerij de Korenaar",
        "income": 3150.5,
        "permanent": False,
    }


@pytest.mark.parametrize(
    "key, value, message",
    [
        ("employer", 12, "Not a valid string."),
        ("employer", "x" * 2001, "Longer than maximum length 2000."),
        ("income", "3150", "Not a valid number."),
        ("income", True, "Not a valid number."),
        ("income", math.nan, "Not a valid number."),
        ("income", math.inf, "Not a valid number."),
        ("income", 10**400, "Not a valid number."),
        ("income", 1e300, "Not a valid number."),
        ("since", "2021-02-29", "Not a valid date."),
        ("since", "29-02-2020", "Not a valid date."),
        ("since", "20200229", "Not a valid date."),
        ("since", "2020-02-29T10:00", "Not a valid date."),
        ("since", 20200229, "Not a valid date."),
        ("permanent", "ja", "Not a valid boolean."),
        ("permanent", 1, "Not a valid boolean."),
        ("contract", "Vast", "Must be one of the options."),
        ("contract", ["vast"], "Must be one of the options."),
    ],
)
def test_each_type_takes_only_its_own_kind_of_value(key, value, message):
    assert answer_faults({**GOOD, key: value}) == {key: [message]}


def test_a_text_of_2000_characters_is_fine():
    assert check_answers(PAGES[0], {**GOOD, "employer": "x" * 2000})["employer"] == "x" * 2000


def test_keys_not_on_the_page_are_refused():
    assert answer_faults({**GOOD, "address": "Kerkstraat 4", "nope": 1}) == {
        "address": ["Not a question on this page."],
        "nope": ["Not a question on this page."],
    }


@pytest.mark.parametrize("value", [None, "", "   "])
def test_required_questions_must_be_answered_on_save(value):
    assert answer_faults({**GOOD, "employer": value, "income": None}) == {
        "employer": ["Missing data for required field."],
        "income": ["Missing data for required field."],
    }
    assert answer_faults({}, page=1) == {"address": ["Missing data for required field."]}


def test_answers_must_be_an_object():
    with pytest.raises(ValidationFailed) as raised:
        check_answers(PAGES[0], ["a"])
    assert raised.value.details == {"answers": ["Not a valid mapping type."]}


def test_is_date_wants_a_real_calendar_date():
    assert is_date("2024-02-29") and not is_date("2023-02-29") and not is_date("2024-13-01")


def test_missing_answers_names_required_keys_per_page_from_1():
    assert missing_answers(PAGES, {"employer": "x", "income": 1}) == {
        "1": ["permanent"],
        "2": ["address"],
    }
    assert (
        missing_answers(PAGES, {"employer": "x", "income": 1, "permanent": False, "address": "y"})
        == {}
    )
