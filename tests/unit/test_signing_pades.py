"""PAdES seals: a sealed document validates (with verify_pdf and with pyHanko's own
validation, independently), and stops validating once any byte changes, once anything is
added after sealing, or when the signer does not chain to the platform's root."""

import datetime
import hashlib
import io
import re

import eventlet
import pytest
from asn1crypto import parser as asn1_parser
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.pdf_utils.writer import copy_into_new_writer
from pyhanko.sign.validation import SignatureCoverageLevel
from pypdf import PdfReader, PdfWriter

from services.signing.certificate_page import NotAPdf, append_certificate_page
from services.signing.pades import sign_pdf, verify_pdf
from services.signing.platform_key import load_or_create
from tests.unit.signing_helpers import make_pdf, pyhanko_status, self_signed_identity
from tests.unit.test_signing_certificate_page import encrypted_pdf

ORIGINAL = make_pdf("Hypotheekofferte: lees en onderteken", "Tweede pagina")


@pytest.fixture(scope="module")
def identity(tmp_path_factory):
    return load_or_create(tmp_path_factory.mktemp("var"))


@pytest.fixture(scope="module")
def paged():
    return append_certificate_page(ORIGINAL, {"signer": "Anna de Vries"}, "nl")


@pytest.fixture(scope="module")
def signed(identity, paged):
    return sign_pdf(paged, identity, "Ondertekend door Anna de Vries", "Kluis")


def flipped(data, position):
    changed = bytearray(data)
    changed[position] ^= 0x01
    return bytes(changed)


def contents_span(data):
    """-> (start, end) of the last signature's /Contents hex digits, and the number of
    hex digits of the DER object (the rest is zero padding)."""
    *_, found = re.finditer(rb"/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]", data)
    start, end = int(found.group(2)) + 1, int(found.group(3)) - 1
    der = bytes.fromhex(data[start:end].decode())
    _, _, _, header, content, trailer = asn1_parser.parse(der)
    return start, end, 2 * (len(header) + len(content) + len(trailer))


def test_a_sealed_document_is_valid(identity, signed):
    result = verify_pdf(signed, identity.root_pem)
    assert result["valid"] is True
    assert result["signed_by"] == identity.common_name == "Kluis platform seal"
    assert result["reason"] == "Ondertekend door Anna de Vries"
    assert result["document_sha256"] == hashlib.sha256(signed).hexdigest()
    signed_at = datetime.datetime.fromisoformat(result["signed_at"])
    assert signed_at.utcoffset() == datetime.timedelta(0)
    assert abs(datetime.datetime.now(datetime.UTC) - signed_at).total_seconds() < 300


def test_sealing_keeps_every_byte_and_page_before_it(paged, signed):
    assert len(PdfReader(io.BytesIO(signed)).pages) == 3
    assert signed.startswith(paged) and paged.startswith(ORIGINAL)


def test_a_pdf_with_cross_reference_streams_is_paged_and_sealed(identity):
    writer = copy_into_new_writer(PdfFileReader(io.BytesIO(ORIGINAL)))
    writer.stream_xrefs = True
    output = io.BytesIO()
    writer.write(output)
    original = output.getvalue()
    assert b"/XRef" in original
    sealed = sign_pdf(append_certificate_page(original, {"signer": "A"}, "en"), identity, "r")
    assert sealed.startswith(original) and len(PdfReader(io.BytesIO(sealed)).pages) == 3
    assert verify_pdf(sealed, identity.root_pem)["valid"]


def test_pyhankos_own_validation_accepts_the_seal(identity, signed):
    status = pyhanko_status(signed, identity.root_pem)
    assert status.intact and status.valid and status.trusted and status.bottom_line
    assert status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    assert status.signing_cert.subject.native["common_name"] == "Kluis platform seal"
    assert len(status.validation_path) == 2  # the seal and the local root


def test_a_changed_byte_in_the_original_content_breaks_the_seal(identity, signed):
    position = signed.index(b"Hypotheekofferte")
    assert position < len(ORIGINAL)
    changed = flipped(signed, position)
    assert verify_pdf(changed, identity.root_pem)["valid"] is False
    status = pyhanko_status(changed, identity.root_pem)
    assert not status.intact and not status.bottom_line  # (.valid: the CMS alone is fine)


def test_a_changed_byte_in_the_signature_breaks_the_seal(identity, signed):
    start, _, der_digits = contents_span(signed)
    position = start + der_digits - 10  # inside the signature value, at the DER's end
    changed = bytearray(signed)
    changed[position] = ord("0") if signed[position] != ord("0") else ord("1")
    assert verify_pdf(bytes(changed), identity.root_pem)["valid"] is False
    status = pyhanko_status(bytes(changed), identity.root_pem)
    assert not (status.intact and status.valid) and not status.bottom_line


@pytest.mark.parametrize("where", ["padding", "letter case", "DER length"])
def test_changes_that_pyhanko_alone_lets_through_are_refused(identity, signed, where):
    """The /Contents string is the one part no signature covers. pyHanko judges the
    CMS object inside it and ignores how it is written; verify_pdf pins the bytes."""
    start, end, der_digits = contents_span(signed)
    changed = bytearray(signed)
    if where == "padding":
        changed[end - 3] = ord("7")
    elif where == "letter case":
        letter = next(i for i in range(start, start + der_digits) if signed[i] in b"ABCDEF")
        changed[letter] = ord(chr(signed[letter]).lower())
    else:  # the outer length grows into the zero padding
        changed[start + 7] = ord("F") if signed[start + 7] != ord("F") else ord("E")
    assert verify_pdf(bytes(changed), identity.root_pem)["valid"] is False
    assert hashlib.sha256(bytes(changed)).hexdigest() != hashlib.sha256(signed).hexdigest()


def test_no_single_byte_change_anywhere_keeps_the_seal_valid(identity, signed):
    start, end, _ = contents_span(signed)
    positions = list(range(0, len(signed), 251)) + list(range(start - 2, end + 2, 17))
    still_valid = [
        p for p in positions if verify_pdf(flipped(signed, p), identity.root_pem)["valid"]
    ]
    assert still_valid == []


def test_an_update_appended_after_sealing_breaks_it(identity, signed):
    writer = PdfWriter(io.BytesIO(signed), incremental=True)
    writer.pages[0].merge_page(PdfReader(io.BytesIO(make_pdf("NIET GELDIG"))).pages[0])
    output = io.BytesIO()
    writer.write(output)
    changed = output.getvalue()
    assert changed.startswith(signed) and len(changed) > len(signed)
    assert verify_pdf(changed, identity.root_pem)["valid"] is False
    status = pyhanko_status(changed, identity.root_pem)
    assert status.intact and status.valid  # the old revision itself is untouched ...
    assert status.coverage == SignatureCoverageLevel.ENTIRE_REVISION  # ... but not all
    assert not status.bottom_line  # changing a page is not an allowed modification


@pytest.mark.parametrize("tail", [b"\n", b"%%EOF\n", b"junk"])
def test_bytes_appended_after_sealing_break_it(identity, signed, tail):
    assert verify_pdf(signed + tail, identity.root_pem)["valid"] is False


def test_a_signer_outside_the_platform_root_is_not_valid(identity, tmp_path):
    impostor = self_signed_identity("Kluis platform seal")  # same name, other key
    forged = sign_pdf(ORIGINAL, impostor, "forged")
    assert verify_pdf(forged, identity.root_pem)["valid"] is False
    assert verify_pdf(forged, impostor.root_pem)["valid"] is True  # only its own root
    status = pyhanko_status(forged, identity.root_pem)
    assert status.intact and status.valid and not status.trusted
    another_platform = load_or_create(tmp_path)
    assert (
        verify_pdf(sign_pdf(ORIGINAL, another_platform, "x"), identity.root_pem)["valid"] is False
    )


def test_the_last_signature_decides(identity, signed):
    other = self_signed_identity("Someone else")
    resigned = sign_pdf(signed, other, "counter-signed")
    assert verify_pdf(resigned, identity.root_pem)["valid"] is False
    assert (
        pyhanko_status(resigned, identity.root_pem, index=0).coverage
        == SignatureCoverageLevel.ENTIRE_REVISION
    )
    earlier = sign_pdf(ORIGINAL, other, "signed by the office first")
    assert verify_pdf(sign_pdf(earlier, identity, "sealed"), identity.root_pem)["valid"]


@pytest.mark.parametrize(
    "data", [ORIGINAL, b"", b"junk", b"%PDF-1.7\n%%EOF\n", b"%PDF-1.4\n" + bytes(range(256)) * 100]
)
def test_unsigned_or_unreadable_bytes_are_not_valid(identity, data):
    result = verify_pdf(data, identity.root_pem)
    assert result == {
        "valid": False,
        "signed_by": None,
        "signed_at": None,
        "document_sha256": hashlib.sha256(data).hexdigest(),
        "reason": None,
    }


def test_a_truncated_seal_is_not_valid(identity, signed):
    for size in (len(signed) - 1, len(signed) // 2, 100):
        assert verify_pdf(signed[:size], identity.root_pem)["valid"] is False


def test_a_bad_root_is_not_valid_either(signed):
    assert verify_pdf(signed, b"not a certificate")["valid"] is False


def test_an_rsa_identity_seals_too():
    rsa_identity = self_signed_identity("RSA seal", rsa_key=True)
    result = verify_pdf(sign_pdf(ORIGINAL, rsa_identity, "r"), rsa_identity.root_pem)
    assert result["valid"] and result["signed_by"] == "RSA seal"


@pytest.mark.parametrize("data", [b"junk", ORIGINAL[:150]])
def test_sealing_refuses_what_is_not_a_pdf(identity, data):
    with pytest.raises(NotAPdf):
        sign_pdf(data, identity, "x")


def test_sealing_refuses_an_encrypted_pdf(identity):
    with pytest.raises(NotAPdf, match="encrypted"):
        sign_pdf(encrypted_pdf(), identity, "x")


def test_greenthreads_can_seal_and_check_at_the_same_time(identity):
    """pyHanko runs asyncio.run inside; under eventlet two at once used to collide."""

    def seal_and_check(number):
        sealed = sign_pdf(make_pdf(f"document {number}"), identity, f"reason {number}")
        return verify_pdf(sealed, identity.root_pem)["reason"]

    pool = eventlet.GreenPool(8)
    assert list(pool.imap(seal_and_check, range(16))) == [f"reason {n}" for n in range(16)]
