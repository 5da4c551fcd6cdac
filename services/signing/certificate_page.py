"""The certificate page: one page appended to a signed document that lists the evidence
of the signature in the signer's language (nl, en). Pure: bytes in, bytes out.

The page is added as an incremental update (pypdf), so the original file is kept byte
for byte as the first part of the result: whoever holds the result can cut it back to
the original and check its SHA-256 against the one printed on the page.
"""

import datetime
import io
from pathlib import Path

import reportlab
from pypdf import PdfReader, PdfWriter
from reportlab.lib.pagesizes import A4
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

from services.common.written_dates import MONTHS, written_day

MAX_VALUE_CHARS = 600  # a value longer than this (a pathological user agent) is cut
MARGIN, WIDTH, HEIGHT = 56, A4[0], A4[1]
LABEL_WIDTH = 150
FONT, FONT_SIZE, LEADING = "KluisSans", 9.5, 13
# DejaVu covers far more of the names people have; reportlab's own Vera is always there.
_FONT_FILES = [
    Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),
    Path(reportlab.__file__).parent / "fonts" / "Vera.ttf",
]

TEXT = {
    "en": {
        "heading": "Signature certificate",
        "intro": "The document below was signed electronically on the Kluis platform.",
        "title": "Document",
        "document_sha256": "SHA-256 of the original",
        "signer": "Signed by",
        "signed_at": "Signed at",
        "ip": "Source address",
        "user_agent": "Browser (user agent)",
        "auth": "Authenticated with",
        "request_id": "Request id",
        "sealed": "This document, including this page, is sealed with a PDF signature by "
        'the platform certificate "{cn}". Any change to the file breaks the seal.',
        "months": MONTHS["en"],
        "factors": {
            "password": "password",
            "sms": "SMS code",
            "totp": "authenticator code",
            "device": "registered device",
        },
    },
    "nl": {
        "heading": "Ondertekeningscertificaat",
        "intro": "Het document hieronder is elektronisch ondertekend op het Kluis-platform.",
        "title": "Document",
        "document_sha256": "SHA-256 van het origineel",
        "signer": "Ondertekend door",
        "signed_at": "Ondertekend op",
        "ip": "Bronadres",
        "user_agent": "Browser (user agent)",
        "auth": "Aangemeld met",
        "request_id": "Verzoek-id",
        "sealed": "Dit document, inclusief deze pagina, is verzegeld met een PDF-handtekening "
        'van het platformcertificaat "{cn}". Elke wijziging in het bestand '
        "verbreekt het zegel.",
        "months": MONTHS["nl"],
        "factors": {
            "password": "wachtwoord",
            "sms": "sms-code",
            "totp": "authenticator-code",
            "device": "geregistreerd apparaat",
        },
    },
}
FIELDS = [
    "title",
    "document_sha256",
    "signer",
    "signed_at",
    "ip",
    "user_agent",
    "auth",
    "request_id",
]
# Other names the signing service's evidence uses for the same facts.
ALIASES = {
    "title": ["document_title"],
    "request_id": ["signing_request_id"],
    "sealed_by": ["platform_certificate"],
}


class NotAPdf(Exception):
    """The bytes are not a PDF that can be read and extended (damaged, or encrypted)."""


def append_certificate_page(pdf_bytes: bytes, evidence: dict, language: str) -> bytes:
    """-> pdf_bytes with one page added at the end listing the evidence, in `language`
    ("nl"; anything else gets English). The original bytes are the unchanged prefix of
    the result (an incremental update).

    evidence keys (missing ones print as "-"): title (or document_title),
    document_sha256 (hex), signer (the name, or a dict with "name"), signed_at (an aware
    datetime or ISO-8601 text, shown in UTC), ip, user_agent, auth (factor codes:
    "password", "password+sms", or a list such as ["password", "totp"]), request_id (or
    signing_request_id), sealed_by (or platform_certificate: the platform
    certificate's subject common name).
    Raises NotAPdf for bytes that are not a readable, unencrypted PDF."""
    reader = _open(pdf_bytes)
    try:
        writer = PdfWriter(reader, incremental=True)
        writer.add_page(PdfReader(io.BytesIO(render_page(evidence, language))).pages[0])
        output = io.BytesIO()
        writer.write(output)
    except Exception as error:  # pypdf raises many kinds for damaged structures
        raise NotAPdf(f"the PDF cannot be extended: {type(error).__name__}") from None
    return output.getvalue()


def render_page(evidence: dict, language: str) -> bytes:
    """-> a one-page PDF (A4) with the evidence, drawn by reportlab."""
    text = TEXT["nl" if language == "nl" else "en"]
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pagesize=A4, invariant=True)
    page.setTitle(text["heading"])
    y = HEIGHT - MARGIN
    page.setFont(_font(), 16)
    page.drawString(MARGIN, y, text["heading"])
    y -= 2 * LEADING
    y = _paragraph(page, text["intro"], y)
    y -= LEADING
    for key in FIELDS:
        y = _row(page, text[key], _value(key, evidence, text), y)
    y -= LEADING
    _paragraph(page, text["sealed"].format(cn=_clip(_get(evidence, "sealed_by")) or "-"), y)
    page.showPage()
    page.save()
    return buffer.getvalue()


def _open(pdf_bytes) -> PdfReader:
    try:
        reader = PdfReader(io.BytesIO(pdf_bytes), strict=False)
        encrypted = reader.is_encrypted
        if not encrypted:
            len(reader.pages)  # walks the page tree: damage shows here
    except Exception:  # pypdf raises many kinds for damaged files
        raise NotAPdf("not a readable PDF") from None
    if encrypted:
        raise NotAPdf("the PDF is encrypted")
    return reader


def _row(page, label, value, y):
    page.setFont(_font(), FONT_SIZE)
    page.drawString(MARGIN, y, label)
    lines = simpleSplit(value, _font(), FONT_SIZE, WIDTH - 2 * MARGIN - LABEL_WIDTH) or [""]
    for line in lines:
        page.drawString(MARGIN + LABEL_WIDTH, y, line)
        y -= LEADING
    return y - 3


def _paragraph(page, text, y):
    page.setFont(_font(), FONT_SIZE)
    for line in simpleSplit(text, _font(), FONT_SIZE, WIDTH - 2 * MARGIN):
        page.drawString(MARGIN, y, line)
        y -= LEADING
    return y


def _value(key, evidence, text) -> str:
    value = _get(evidence, key)
    if key == "signer" and isinstance(value, dict):
        value = value.get("name")
    elif key == "signed_at" and value:
        value = format_time(value, text["months"])
    elif key == "auth" and value:
        factors = value.split("+") if isinstance(value, str) else list(value)
        value = " + ".join(text["factors"].get(str(f).strip(), str(f)) for f in factors)
    return _clip(value) or "-"


def _get(evidence, key):
    return next(
        (evidence[name] for name in [key, *ALIASES.get(key, [])] if evidence.get(name) is not None),
        None,
    )


def format_time(value, months) -> str:
    """An aware datetime or ISO-8601 text -> "14 March 2026, 09:05:07 UTC"; text that is
    not a time is shown as it is."""
    if isinstance(value, str):
        try:
            value = datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return value
    if value.tzinfo is None:  # the platform keeps UTC throughout
        value = value.replace(tzinfo=datetime.UTC)
    value = value.astimezone(datetime.UTC)
    return f"{written_day(value, months)}, {value:%H:%M:%S} UTC"


def _clip(value) -> str:
    text = "" if value is None else " ".join(str(value).split())
    return text if len(text) <= MAX_VALUE_CHARS else text[: MAX_VALUE_CHARS - 1] + "\u2026"


_registered = []


def _font() -> str:
    """Register the page font once (the first file that exists)."""
    if not _registered:
        path = next(p for p in _FONT_FILES if p.exists())
        pdfmetrics.registerFont(TTFont(FONT, str(path)))
        _registered.append(path)
    return FONT
