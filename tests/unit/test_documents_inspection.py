"""Streaming inspection of uploads, on small but real sample files built here."""

import hashlib
import io
import random
import struct
import tracemalloc
import zipfile
import zlib

import pytest

from services.documents.exceptions import FileTooLarge, PdfEncrypted, UnsupportedFileType
from services.documents.file_names import safe_file_name
from services.documents.inspection import (
    DOCX,
    HEIC,
    JPEG,
    PDF,
    PNG,
    TEXT,
    XLSX,
    Inspection,
)

MiB = 1024 * 1024


def pdf(*objects, trailer=b""):
    """A minimal valid PDF 1.4: catalog, pages, one page with a content stream, then
    `objects` (numbered from 5); a classic xref table with correct offsets."""
    content = b"BT /F1 12 Tf 72 720 Td (Hypotheekofferte) Tj ET"
    bodies = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content),
        *objects,
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(bodies, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(bodies) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R%s >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(bodies) + 1,
        trailer,
        xref,
    )
    return bytes(out)


STANDARD_SECURITY = b"<< /Filter /Standard /V 1 /R 2 /O <%s> /U <%s> /P -44 >>" % (
    b"ab" * 32,
    b"cd" * 32,
)
ENCRYPTED_PDF = pdf(STANDARD_SECURITY, trailer=b" /Encrypt 5 0 R /ID [<0123><0123>]")


def xref_stream_pdf(encrypt=b""):
    """A PDF 1.5 whose cross-reference is a compressed stream: the trailer entries live
    in that stream's (uncompressed) dictionary, with `encrypt` (naming object 5)."""
    classic = pdf(STANDARD_SECURITY) if encrypt else pdf()
    body = classic[: classic.index(b"xref\n")].replace(b"%PDF-1.4", b"%PDF-1.5")
    count = 5 if encrypt else 4
    offsets = [body.index(b"\n%d 0 obj" % n) + 1 for n in range(1, count + 1)] + [len(body)]
    rows = b"\x00\x00\x00\xff" + b"".join(b"\x01" + struct.pack(">H", o) + b"\x00" for o in offsets)
    data = zlib.compress(rows)
    xref = (
        b"%d 0 obj\n<< /Type /XRef /Size %d /W [1 2 1] /Root 1 0 R%s /Filter /FlateDecode "
        b"/Length %d >>\nstream\n%s\nendstream\nendobj\n"
        % (count + 1, count + 2, encrypt, len(data), data)
    )
    return body + xref + b"startxref\n%d\n%%%%EOF\n" % len(body)


def png():
    def chunk(kind, data):
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    pixels = b"".join(b"\x00" + b"\xff\x00\x00" * 4 for _row in range(4))
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", 4, 4, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(pixels))
        + chunk(b"IEND", b"")
    )


JPEG_FILE = (
    b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    b"\xff\xdb\x00\x43\x00" + bytes(range(1, 65)) + b"\xff\xd9"
)


def iso_bmff(major, *compatible):
    brands = major + b"\x00\x00\x00\x00" + b"".join(compatible)
    ftyp = struct.pack(">I", 8 + len(brands)) + b"ftyp" + brands
    return ftyp + struct.pack(">I", 16) + b"meta" + b"\x00" * 8 + b"\x00\x00\x00\x08mdat"


def office(parts, seekable=True):
    """An Office Open XML package with the real part names (or any ZIP). Written to
    a stream that cannot seek, sizes follow each entry in a data descriptor."""

    class Unseekable(io.RawIOBase):
        def __init__(self):
            self.out = bytearray()

        def writable(self):
            return True

        def write(self, data):
            self.out += data
            return len(data)

    target = io.BytesIO() if seekable else Unseekable()
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in parts:
            archive.writestr(name, f"<?xml version='1.0'?><part name='{name}'/>" * 20)
    return target.getvalue() if seekable else bytes(target.out)


DOCX_PARTS = [
    "[Content_Types].xml",
    "_rels/.rels",
    "docProps/core.xml",
    "word/document.xml",
    "word/_rels/document.xml.rels",
    "word/styles.xml",
]
XLSX_PARTS = [
    "[Content_Types].xml",
    "_rels/.rels",
    "xl/workbook.xml",
    "xl/_rels/workbook.xml.rels",
    "xl/worksheets/sheet1.xml",
]
DUTCH = (
    "Geachte heer Çelik,\r\n\tHierbij de offerte voor uw hypotheek: € 312.500,-.\n"
    "Één opmerking over de coöperatie en de ruïne in Zuid-Holland; café ’t Hoekje.\f\n"
).encode() * 10
GIF = (
    b"GIF89a\x01\x00\x01\x00\x80\x00\x00\xff\xff\xff\x00\x00\x00!\xf9\x04\x01\x00\x00\x00"
    b"\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;"
)
EXE = (
    b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00\xb8"
    + b"\x00" * 43
    + b"\x80\x00\x00\x00\x0e\x1f\xba\x0e\x00\xb4\t\xcd!\xb8\x01L\xcd!"
    b"This program cannot be run in DOS mode.\r\r\n$" + b"\x00" * 7 + b"PE\x00\x00"
)

ACCEPTED = {
    "pdf": (pdf(), PDF, ".pdf"),
    "pdf after junk": (b"\r\n junk \r\n" + pdf(), PDF, ".pdf"),
    "xref stream pdf": (xref_stream_pdf(), PDF, ".pdf"),
    "png": (png(), PNG, ".png"),
    "jpeg": (JPEG_FILE, JPEG, ".jpg"),
    "heic": (iso_bmff(b"heic", b"mif1", b"heic"), HEIC, ".heic"),
    "heif with hevc": (iso_bmff(b"mif1", b"mif1", b"heic"), HEIC, ".heic"),
    "docx": (office(DOCX_PARTS), DOCX, ".docx"),
    "docx streamed": (office(DOCX_PARTS, seekable=False), DOCX, ".docx"),
    "xlsx": (office(XLSX_PARTS), XLSX, ".xlsx"),
    "dutch text": (DUTCH, TEXT, ".txt"),
    "text with bom": (b"\xef\xbb\xbf" + DUTCH, TEXT, ".txt"),
}
REFUSED = {
    "empty": b"",
    "plain zip": office(["scan.pdf", "notes.txt"]),
    "office parts without content types": office(["word/document.xml"]),
    "junk": b"\x01" + random.Random(7).randbytes(4096),
    "gif": GIF,
    "exe": EXE,
    "avif": iso_bmff(b"avif", b"avif", b"mif1", b"miaf"),
    "mp4": iso_bmff(b"isom", b"isom", b"mp41"),
    "text with nul": b"Geachte heer,\x00 tot ziens",
    "text with escape": b"Geachte heer, \x1b[31mrood",
    "latin-1 text": "Geachte heer Müller".encode("latin-1"),
    "text cut mid-character": "café".encode()[:-1],
}


def inspect(data, chunk_size=None, max_bytes=10 * MiB):
    inspection = Inspection(max_bytes)
    step = chunk_size or max(len(data), 1)
    for start in range(0, len(data), step):
        inspection.feed(data[start : start + step])
    return inspection.finish()


@pytest.mark.parametrize("chunk_size", [1, 7, 4096, None])
@pytest.mark.parametrize("sample", ACCEPTED)
def test_accepted_types_are_told_by_content_whatever_the_chunking(sample, chunk_size):
    data, content_type, extension = ACCEPTED[sample]
    inspected = inspect(data, chunk_size)
    assert (inspected.content_type, inspected.extension) == (content_type, extension)
    assert inspected.size == len(data)
    assert inspected.sha256 == hashlib.sha256(data).hexdigest()


@pytest.mark.parametrize("chunk_size", [1, 5, None])
@pytest.mark.parametrize("sample", REFUSED)
def test_other_content_is_refused(sample, chunk_size):
    with pytest.raises(UnsupportedFileType) as raised:
        inspect(REFUSED[sample], chunk_size)
    assert raised.value.code == "unsupported_media_type"


@pytest.mark.parametrize(
    "data",
    [
        ENCRYPTED_PDF,
        pdf(trailer=b" /Encrypt<< /Filter /Standard /V 2 /R 3 /Length 128 >>"),
        xref_stream_pdf(b" /Encrypt 5 0 R"),
        xref_stream_pdf(b"/Encrypt 5 0 R"),
    ],
    ids=["classic trailer", "inline dictionary", "xref stream", "xref stream, no space"],
)
def test_password_protected_pdfs_are_refused(data):
    with pytest.raises(PdfEncrypted):
        inspect(data)


def test_the_encrypt_token_is_found_wherever_a_chunk_boundary_cuts_it():
    at = ENCRYPTED_PDF.index(b"/Encrypt 5 0 R")
    for cut in range(at - 1, at + len(b"/Encrypt ") + 1):
        inspection = Inspection(MiB)
        inspection.feed(ENCRYPTED_PDF[:cut])
        inspection.feed(ENCRYPTED_PDF[cut:])
        with pytest.raises(PdfEncrypted):
            inspection.finish()


def test_names_that_only_start_with_encrypt_do_not_count():
    assert inspect(pdf(trailer=b" /EncryptMetadata false /Encryptor (x)")).content_type == PDF


def test_utf8_split_across_chunk_boundaries_is_still_text():
    data = "€ één ’t 😀 ".encode() * 50
    for size in (1, 2, 3, 5):
        assert inspect(data, size).content_type == TEXT


def test_a_docx_fed_one_byte_at_a_time_is_a_docx():
    assert inspect(office(DOCX_PARTS, seekable=False), 1).content_type == DOCX


def test_exactly_the_limit_is_fine_and_one_byte_more_fails_during_feed():
    data = DUTCH[:1000]
    assert inspect(data, 300, max_bytes=1000).size == 1000
    inspection = Inspection(999)
    inspection.feed(data[:999])
    with pytest.raises(FileTooLarge) as raised:
        inspection.feed(data[999:])
    assert raised.value.details == {"max_bytes": 999}


def test_memory_stays_bounded_for_a_200_mib_text_file():
    chunk = (b"Regel met gewone tekst voor de hypotheekadviseur.\n" * 21000)[:MiB]
    expected = hashlib.sha256()
    tracemalloc.start()
    try:
        inspection = Inspection(200 * MiB)
        for _ in range(200):
            inspection.feed(chunk)
        inspected = inspection.finish()
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    for _ in range(200):
        expected.update(chunk)
    assert peak < 4 * MiB
    assert (inspected.content_type, inspected.size) == (TEXT, 200 * MiB)
    assert inspected.sha256 == expected.hexdigest()


@pytest.mark.parametrize(
    "raw, extension, expected",
    [
        ("Offerte 2024.pdf", ".pdf", "Offerte 2024.pdf"),
        ("../../etc/passwd", ".txt", "passwd.txt"),
        ("C:\\x\\y.pdf", ".pdf", "y.pdf"),
        ("loonstrook\u202efdp.exe", ".pdf", "loonstrookfdp.pdf"),
        ('rapport "definitief"\r\nversie\t2.pdf', ".pdf", "rapport definitief versie 2.pdf"),
        ("Jan's <paspoort>|kopie?*.PDF", ".pdf", "Jans paspoortkopie.PDF"),
        ("foto.JPEG", ".jpg", "foto.JPEG"),
        ("foto.jpg", ".jpg", "foto.jpg"),
        ("IMG_0001.HEIF", ".heic", "IMG_0001.HEIF"),
        ("scan.pdf", ".jpg", "scan.jpg"),
        ("notities", ".txt", "notities.txt"),
        ("offerte v2.1", ".pdf", "offerte v2.1.pdf"),
        ("...verborgen.pdf", ".pdf", "verborgen.pdf"),
        ("  lege   ruimte  .pdf", ".pdf", "lege ruimte.pdf"),
        ("Cafe\u0301.pdf", ".pdf", "Café.pdf"),
        ("CON.pdf", ".pdf", "_CON.pdf"),
        ("", ".pdf", "document.pdf"),
        (None, ".docx", "document.docx"),
        ("..", ".pdf", "document.pdf"),
        ("\u202e\x00/", ".png", "document.png"),
    ],
)
def test_file_names_are_made_safe(raw, extension, expected):
    assert safe_file_name(raw, extension) == expected


def test_long_file_names_are_cut_to_150_characters_keeping_the_extension():
    name = safe_file_name("ö" * 500 + ".docx", ".docx")
    assert len(name) == 150 and name.endswith("ö.docx")
    assert len(safe_file_name("x" * 500, ".pdf")) == 150
