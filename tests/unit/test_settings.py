"""Typed settings (services/common/settings.py): read once, converted to the field's type,
a wrong value refused at start with the key's name."""

from dataclasses import dataclass

import pytest

from services.common.settings import read_settings, setting


@dataclass(frozen=True)
class Example:
    attempts: int = setting("ATTEMPTS", 3)
    interval_s: float = setting("INTERVAL_S", 1.5)
    sender: str | None = setting("SENDER", None)
    starttls: bool = setting("STARTTLS", False)


def test_values_are_converted_to_the_fields_types():
    read = read_settings(
        Example, {"ATTEMPTS": "7", "INTERVAL_S": 2, "SENDER": "x", "STARTTLS": "yes"}
    )
    assert read == Example(attempts=7, interval_s=2.0, sender="x", starttls=True)


def test_empty_or_missing_gives_the_default():
    assert read_settings(Example, {"ATTEMPTS": "", "SENDER": None}) == Example()


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ({"ATTEMPTS": "many"}, "ATTEMPTS: expected int"),
        ({"STARTTLS": "maybe"}, "STARTTLS: expected a yes/no"),
    ],
)
def test_a_wrong_value_is_refused_with_its_name(config, message):
    with pytest.raises(ValueError, match=message):
        read_settings(Example, config)
