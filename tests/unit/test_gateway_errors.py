"""The error table: every code has a status and texts in both languages, and every
service error crosses RPC as its own class (nameko's exception registry)."""

import pytest
from nameko.exceptions import deserialize, get_module_path, registry, serialize

from gateway.errors import EXCEPTION_MODULES, STATUS_BY_CODE, register_remote_errors, status_for
from gateway.messages import ERRORS, error_message
from services.common.errors import KluisError
from services.identity.exceptions import WeakPassword


def wire_error_classes():
    """Every KluisError subclass in the modules that make up the wire contract."""
    register_remote_errors()
    found, pending = [], [KluisError]
    while pending:
        cls = pending.pop()
        pending.extend(cls.__subclasses__())
        if cls is not KluisError and cls.__module__ in EXCEPTION_MODULES:
            found.append(cls)
    return sorted(found, key=get_module_path)


WIRE_ERRORS = wire_error_classes()


def test_the_wire_contract_includes_identitys_errors():
    names = {cls.__name__ for cls in WIRE_ERRORS}
    assert {
        "InvalidCredentials",
        "SessionExpired",
        "WeakPassword",
        "InvalidToken",
        "TokenExpired",
        "TokenUsed",
        "ServiceUnavailable",
        "ServiceTimeout",
        "ValidationFailed",
        "NotFound",
        "Forbidden",
        "Unauthenticated",
    } <= names


@pytest.mark.parametrize("code", sorted(STATUS_BY_CODE))
def test_every_code_has_a_dutch_and_an_english_text(code):
    assert code in ERRORS
    nl, en = ERRORS[code]
    assert nl.strip() and en.strip() and nl != en


def test_every_text_belongs_to_a_code_with_a_status():
    assert set(ERRORS) <= set(STATUS_BY_CODE)


@pytest.mark.parametrize("code", sorted(ERRORS))
def test_error_message_picks_the_language(code):
    assert error_message(code, "nl") == ERRORS[code][0]
    assert error_message(code, "en") == ERRORS[code][1]


@pytest.mark.parametrize("cls", WIRE_ERRORS, ids=lambda cls: cls.__name__)
def test_every_wire_error_has_its_own_status(cls):
    assert cls.code in STATUS_BY_CODE
    own = getattr(cls, "http_status", None)
    assert status_for(cls()) == (own or STATUS_BY_CODE[cls.code])


def test_one_code_may_carry_two_statuses_by_class():
    from services.identity.exceptions import InvalidCode

    assert STATUS_BY_CODE["invalid_code"] == 401  # a second step at sign-in
    assert status_for(InvalidCode()) == 422  # a registration's code (docs/api.md)


def test_status_ranges_follow_the_api():
    assert all(400 <= status < 600 for status in STATUS_BY_CODE.values())
    assert STATUS_BY_CODE["internal_error"] == 500


@pytest.mark.parametrize("cls", WIRE_ERRORS, ids=lambda cls: cls.__name__)
def test_registry_maps_the_module_path_to_the_class(cls):
    assert registry[get_module_path(cls)] is cls


@pytest.mark.parametrize("cls", WIRE_ERRORS, ids=lambda cls: cls.__name__)
def test_every_wire_error_round_trips_with_its_details(cls):
    details = {"field": ["message"], "service": "identity"}
    back = deserialize(serialize(cls(details)))
    assert type(back) is cls
    assert (back.code, back.details) == (cls.code, details)


def test_numbers_and_booleans_in_details_survive_the_bus():
    details = {"attempts_left": 2, "locked": True, "retry_after": None}
    back = deserialize(serialize(KluisError(details)))
    assert back.details == details


def test_weak_password_round_trips_with_its_rules():
    back = deserialize(serialize(WeakPassword({"rules": ["digit"]})))
    assert isinstance(back, WeakPassword)
    assert back.details == {"rules": ["digit"]}


def test_an_error_without_details_round_trips_with_empty_details():
    back = deserialize(serialize(WeakPassword()))
    assert type(back) is WeakPassword and back.details == {}


def test_error_text_never_echoes_details():
    error = WeakPassword({"rules": ["digit"], "password": "Hunter2"})
    assert "Hunter2" not in str(error)
    assert "Hunter2" not in serialize(error)["value"]
