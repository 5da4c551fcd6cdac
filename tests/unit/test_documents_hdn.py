"""Reading HDN document requests (DA) safely, and the validity table: no I/O."""

from pathlib import Path

import pytest

from gateway.schemas.documents import DOCUMENT_TYPES
from services.documents import validity
from services.documents.exceptions import HdnMessageInvalid, HdnVersionUnsupported
from services.documents.hdn_da import MAX_ITEMS, parse_da

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "hdn"
FIRST = (FIXTURES / "da_first.xml").read_bytes()
ITEM = (
    "<Document><DocumentKenmerk>K{n}</DocumentKenmerk><SoortDocument>001</SoortDocument>"
    "<DocumentStatus>01</DocumentStatus></Document>"
)


def da(items, version="1.0", root="DA"):
    return (
        f"<{root}><BerichtVersie>{version}</BerichtVersie>"
        f"<AanvraagVolgNr>HDN-1</AanvraagVolgNr>{items}</{root}>"
    )


def refusal(xml):
    with pytest.raises((HdnMessageInvalid, HdnVersionUnsupported)) as refused:
        parse_da(xml)
    return refused.value.code, refused.value.details["element"]


def test_the_sample_reads_as_five_items_with_their_codes_and_parties():
    message = parse_da(FIRST)
    assert message["application_number"] == "HDN-2026-004711"
    items = {item["key"]: item for item in message["items"]}
    assert items["DK-001"]["document_type"] == "payslip"
    assert items["DK-001"]["lender_status"] == "to_deliver"
    assert items["DK-003"]["from_source"] and items["DK-003"]["name"].startswith("Aanslag")
    assert items["DK-004"]["deliver_by"] == "lender"
    assert items["DK-005"]["lender_status"] == "provisionally_approved"


def test_elements_in_a_namespace_are_read_too():
    xml = FIRST.replace(b"<DA>", b'<DA xmlns="urn:hdn:da">')
    assert len(parse_da(xml)["items"]) == 5


@pytest.mark.parametrize(
    "xml, expected",
    [
        ("", ("hdn_message_invalid", "DA")),
        ("<DA><unclosed></DA>", ("hdn_message_invalid", "DA")),
        (
            '<!DOCTYPE DA [<!ENTITY x SYSTEM "file:///etc/passwd">]><DA>&x;</DA>',
            ("hdn_message_invalid", "DOCTYPE"),
        ),
        (
            '<!DOCTYPE DA [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;&a;">]><DA>&b;</DA>',
            ("hdn_message_invalid", "DOCTYPE"),
        ),
        (da(ITEM.format(n=1), root="AX"), ("hdn_message_invalid", "DA")),
        (da(ITEM.format(n=1), version="2.0"), ("hdn_version_unsupported", "BerichtVersie")),
        (da(""), ("hdn_message_invalid", "Document")),
        (
            da(ITEM.format(n=1) * 2),
            ("hdn_message_invalid", "DocumentKenmerk"),
        ),
        (
            da(ITEM.format(n=1).replace("001", "00A")),
            ("hdn_message_invalid", "SoortDocument"),
        ),
        (
            da(
                ITEM.format(n=1).replace(
                    "</Document>", "<OpgevraagdViaBronJN>X</OpgevraagdViaBronJN></Document>"
                )
            ),
            ("hdn_message_invalid", "OpgevraagdViaBronJN"),
        ),
        (
            da("".join(ITEM.format(n=n) for n in range(MAX_ITEMS + 1))),
            ("hdn_message_invalid", "Document"),
        ),
        ("<DA>" + " " * (257 * 1024) + "</DA>", ("hdn_message_invalid", "DA")),
    ],
    ids=[
        "empty",
        "broken",
        "xxe",
        "entities",
        "root",
        "version",
        "no-items",
        "same-key",
        "code",
        "yes-no",
        "too-many",
        "too-large",
    ],
)
def test_a_bad_message_is_refused_naming_the_element(xml, expected):
    assert refusal(xml) == expected


def test_the_validity_table_takes_known_types_only():
    table = validity.parse_table("payslip=1m, valuation_report=90d")
    assert set(table) == {"payslip", "valuation_report"}
    for bad in ("horoscope=3m", "payslip=3w", "payslip"):
        with pytest.raises(ValueError):
            validity.parse_table(bad)


def test_the_gateway_offers_exactly_the_table_s_types():
    assert sorted(DOCUMENT_TYPES) == sorted(validity.DEFAULT_VALIDITY)
