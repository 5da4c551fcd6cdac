"""Identity's rules for offices, contacts and devices (no I/O)."""

import pytest

from services.common.contacts import is_role_address, normalise_mobile
from services.common.context import Principal
from services.common.tokens import digest
from services.identity import access, domain

ADMIN = Principal("admin-1", "admin")


def staff(role, office="o1"):
    return Principal("p-1", "staff", offices={office: role})


@pytest.mark.parametrize(
    "written",
    ["06 12345678", "0612345678", "+31 6 12 34 56 78", "0031 6 12345678", "(06) 1234-5678"],
)
def test_dutch_mobiles_as_people_write_them(written):
    assert normalise_mobile(written) == "+31612345678"


@pytest.mark.parametrize(
    "bad", ["", "06", "020 123 4567", "06 1234567890123", "mobiel", None, 612345678, "+31 6 1234"]
)
def test_not_a_mobile(bad):
    assert normalise_mobile(bad) is None


def test_a_foreign_mobile_keeps_its_country():
    assert normalise_mobile("+32 470 12 34 56") == "+32470123456"


@pytest.mark.parametrize(
    "address",
    [
        "info@kantoor.nl",
        "INFO@kantoor.nl",
        "Kantoor@x.nl",
        "receptie@x.nl",
        "administratie@x.nl",
        "office@x.nl",
    ],
)
def test_shared_mailboxes(address):
    assert is_role_address(address)


@pytest.mark.parametrize("address", ["anna@kantoor.nl", "info.anna@x.nl", "j.info@x.nl"])
def test_personal_addresses(address):
    assert not is_role_address(address)


@pytest.mark.parametrize(
    "role, approver, allowed",
    [
        ("owner", ADMIN, True),
        ("owner", staff("owner"), False),
        ("staff_manager", staff("owner"), True),
        ("staff_manager", staff("staff_manager"), False),
        ("staff_manager", ADMIN, False),
        ("staff", staff("owner"), True),
        ("staff", staff("staff_manager"), True),
        ("staff", staff("staff"), False),
        ("staff", staff("owner", office="o2"), False),
    ],
)
def test_approver_by_requested_role(role, approver, allowed):
    assert access.may_approve(approver, "o1", role) is allowed


@pytest.mark.parametrize(
    "principal, roles, allowed",
    [
        (ADMIN, ("owner",), True),
        (ADMIN, ("staff",), False),
        (staff("owner"), ("owner", "staff"), True),
        (staff("staff_manager"), ("staff_manager", "staff"), True),
        (staff("staff_manager"), ("staff", "owner"), False),
        (staff("staff"), ("staff",), False),
        (staff("owner", "o2"), ("staff",), False),
    ],
)
def test_not_above_ones_own_role(principal, roles, allowed):
    assert access.may_manage(principal, "o1", *roles) is allowed


@pytest.mark.parametrize(
    "version, minimum, supported",
    [
        ("17.10", "17.9", True),
        ("17.9", "17.10", False),
        ("3", "3.0.1", False),
        ("3.0.1", "3", True),
        ("12", "", True),
        ("12", None, True),
    ],
)
def test_versions_compare_by_number(version, minimum, supported):
    assert domain.version_supported(version, minimum) is supported


def test_codes_and_pairing_codes():
    code, code_hash = domain.new_code()
    assert len(code) == 6 and code.isdigit() and code_hash == digest(code)
    pairing = domain.new_pairing_code()
    assert len(pairing) == 8 and not set(pairing) & set("01IO")
