"""The certificate page: appended after the original pages (which stay byte for byte),
listing the evidence in nl and en; encrypted or damaged files are refused."""

import datetime
import hashlib
import io

import pytest
from pypdf import PdfReader, PdfWriter

from services.signing.certificate_page import TEXT, NotAPdf, append_certificate_page, format_time
from tests.unit.signing_helpers import make_pdf

ORIGINAL = make_pdf("Hypotheekofferte pagina 1", "Hypotheekofferte pagina 2")
USER_AGENT = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like "
    "Gecko) Chrome/124.0.0.0 Safari/537.36 Edg/124.0.2478.80 KluisTest/1.0"
)


def evidence(**changes):
    return {
        "title": "Hypotheekofferte 2026.pdf",
        "document_sha256": hashlib.sha256(ORIGINAL).hexdigest(),
        "signer": {"id": "c-1", "name": "Anna Öztürk-de Vries"},
        "signed_at": datetime.datetime(2026, 3, 14, 9, 5, 7, tzinfo=datetime.UTC),
        "ip": "203.0.113.7",
        "user_agent": USER_AGENT,
        "auth": ["password", "sms"],
        "request_id": "7d0c2f4e-request",
        "sealed_by": "Kluis platform seal",
        **changes,
    }


def last_page_text(pdf_bytes):
    reader = PdfReader(io.BytesIO(pdf_bytes))
    return len(reader.pages), " ".join(reader.pages[-1].extract_text().split())


def test_one_page_is_added_and_the_original_is_the_unchanged_prefix():
    result = append_certificate_page(ORIGINAL, evidence(), "en")
    assert result.startswith(ORIGINAL)
    pages, _ = last_page_text(result)
    assert pages == 3
    reader = PdfReader(io.BytesIO(result))
    assert "pagina 1" in reader.pages[0].extract_text()
    assert "pagina 2" in reader.pages[1].extract_text()


def test_the_english_page_lists_the_evidence():
    _, text = last_page_text(append_certificate_page(ORIGINAL, evidence(), "en"))
    for expected in [
        "Signature certificate",
        "Hypotheekofferte 2026.pdf",
        hashlib.sha256(ORIGINAL).hexdigest(),
        "Anna Öztürk-de Vries",
        "14 March 2026, 09:05:07 UTC",
        "203.0.113.7",
        "password + SMS code",
        "7d0c2f4e-request",
        "Kluis platform seal",
        "KluisTest/1.0",
    ]:
        assert expected in text


def test_the_dutch_page_lists_the_evidence_in_dutch():
    _, text = last_page_text(
        append_certificate_page(
            ORIGINAL, evidence(auth="password", signed_at="2026-03-14T09:05:07+00:00"), "nl"
        )
    )
    for expected in [
        "Ondertekeningscertificaat",
        "Ondertekend door",
        "Anna Öztürk-de Vries",
        "14 maart 2026, 09:05:07 UTC",
        "Aangemeld met wachtwoord",
        'platformcertificaat "Kluis platform seal"',
        hashlib.sha256(ORIGINAL).hexdigest(),
    ]:
        assert expected in text
    assert "sms" not in text


def test_the_signing_services_names_for_the_evidence_work_too():
    service_evidence = {
        "document_title": "Offerte.pdf",
        "signing_request_id": "sr-42",
        "platform_certificate": "Kluis platform seal",
        "signer": {"name": "Piet Jansen", "client_id": "c-9"},
        "auth": "password+totp",
        "signed_at": "2026-03-14T09:05:07+00:00",
    }
    _, text = last_page_text(append_certificate_page(ORIGINAL, service_evidence, "en"))
    for expected in [
        "Document Offerte.pdf",
        "Request id sr-42",
        "Piet Jansen",
        "password + authenticator code",
        'certificate "Kluis platform seal"',
    ]:
        assert expected in text


def test_a_long_user_agent_is_wrapped_and_an_absurd_one_cut():
    _, text = last_page_text(append_certificate_page(ORIGINAL, evidence(), "en"))
    assert "Chrome/124.0.0.0" in text  # wrapped, not lost
    huge = append_certificate_page(ORIGINAL, evidence(user_agent="x" * 100_000), "en")
    assert len(PdfReader(io.BytesIO(huge)).pages) == 3


def test_missing_evidence_prints_a_dash():
    _, text = last_page_text(append_certificate_page(ORIGINAL, {"title": "t.pdf"}, "en"))
    assert "Signed by -" in text


@pytest.mark.parametrize(
    "value, expected",
    [
        ("2026-01-02T03:04:05Z", "2 January 2026, 03:04:05 UTC"),
        ("2026-01-02T05:04:05+02:00", "2 January 2026, 03:04:05 UTC"),
        (datetime.datetime(2026, 12, 31, 23, 59, 59), "31 December 2026, 23:59:59 UTC"),
        ("yesterday", "yesterday"),
    ],
)
def test_times_are_shown_in_utc(value, expected):
    assert format_time(value, TEXT["en"]["months"]) == expected


def encrypted_pdf():
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(ORIGINAL)))
    writer.encrypt("open sesame", algorithm="AES-128")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"not a pdf at all",
        b"%PDF-1.4\n%%EOF",
        ORIGINAL[:200],
        b"%PDF-1.7\n" + bytes(range(256)) * 20,
    ],
)
def test_unreadable_bytes_are_refused(data):
    with pytest.raises(NotAPdf):
        append_certificate_page(data, evidence(), "en")


def test_an_encrypted_pdf_is_refused():
    with pytest.raises(NotAPdf, match="encrypted"):
        append_certificate_page(encrypted_pdf(), evidence(), "nl")
