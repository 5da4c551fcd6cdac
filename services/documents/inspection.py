"""What an uploaded file is, learned from its bytes as they stream by (no I/O here).

The type comes from the content alone, never from the file name or a Content-Type
header: a client's browser guesses those, an attacker chooses them. The file is never
held in memory: an `Inspection` keeps the first KiB (the head), a SHA-256 state, a
UTF-8 decoder state and two rolling tails of a few dozen bytes.

Accepted types, and what decides them:
- JPEG: the head starts with FF D8 FF (SOI and the first marker's FF).
- PNG: the head starts with the full 8-byte PNG signature.
- HEIC: an ISO-BMFF `ftyp` box at offset 4 whose major or compatible brands include a
  HEIF/HEIC brand (and no AVIF brand: AVIF is HEIF-based too, but is not HEIC).
- DOCX / XLSX: a ZIP (PK 03 04 at offset 0) whose local file headers name
  `[Content_Types].xml` and `word/document.xml` (DOCX) or `xl/workbook.xml` (XLSX);
  any other ZIP is refused.
- PDF: `%PDF-` within the first 1024 bytes (readers tolerate junk before the header).
  Offset-0 signatures are checked first, so a PNG quoting `%PDF-` stays a PNG.
- Plain text: the whole stream is valid UTF-8 (a BOM is fine) without NUL or other
  C0 control bytes than tab, LF, FF and CR.
"""

import codecs
import hashlib
import re
from dataclasses import dataclass

from services.documents.exceptions import FileTooLarge, PdfEncrypted, UnsupportedFileType

PDF = "application/pdf"
JPEG = "image/jpeg"
PNG = "image/png"
HEIC = "image/heic"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TEXT = "text/plain"
EXTENSIONS = {
    PDF: ".pdf",
    JPEG: ".jpg",
    PNG: ".png",
    HEIC: ".heic",
    DOCX: ".docx",
    XLSX: ".xlsx",
    TEXT: ".txt",
}
# Extensions a client may already have written for each detected one (case-insensitive).
ACCEPTED_EXTENSIONS = {".jpg": {".jpg", ".jpeg"}, ".heic": {".heic", ".heif"}}

HEAD_BYTES = 1024
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
ZIP_SIGNATURE = b"PK\x03\x04"
HEIF_BRANDS = {b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevm", b"hevs", b"mif1", b"msf1"}
AVIF_BRANDS = {b"avif", b"avis"}
# C0 controls that never occur in a text document (tab, LF, FF and CR do).
FORBIDDEN_CONTROLS = re.compile(rb"[\x00-\x08\x0b\x0e-\x1f]")
DECODE_SLICE = 64 * 1024  # decode in slices, so the str made from a 1 MiB chunk stays small


@dataclass(frozen=True)
class Inspected:
    """The facts about a complete upload: size in bytes, SHA-256 (hex), content type
    and the extension that goes with it (".pdf")."""

    size: int
    sha256: str
    content_type: str
    extension: str


class Inspection:
    """Inspect an upload chunk by chunk: `feed` every chunk in order, then `finish`.

    Memory stays bounded whatever the file size or the chunk sizes (1 byte to 1 MiB).
    """

    def __init__(self, max_bytes: int):
        self.max_bytes = max_bytes
        self.size = 0
        self._sha256 = hashlib.sha256()
        self._head = bytearray()
        self._text = _TextCheck()
        self._encrypt = _EncryptToken()
        self._zip = _ZipEntries()

    def feed(self, chunk: bytes) -> None:
        """Take the next chunk. Raises FileTooLarge({"max_bytes": n}) as soon as the
        total passes max_bytes (the caller stops reading and discards what it kept)."""
        if self.size + len(chunk) > self.max_bytes:
            raise FileTooLarge({"max_bytes": self.max_bytes})
        self.size += len(chunk)
        self._sha256.update(chunk)
        # Each watcher sees one unbroken prefix of the stream: it is fed until the head
        # rules its type out, and never again after that.
        if len(self._head) < len(ZIP_SIGNATURE) or self._head.startswith(ZIP_SIGNATURE):
            self._zip.feed(chunk)
        if len(self._head) < HEAD_BYTES or b"%PDF-" in self._head:
            self._encrypt.feed(chunk)
        self._text.feed(chunk)
        if len(self._head) < HEAD_BYTES:
            self._head += chunk[: HEAD_BYTES - len(self._head)]

    def finish(self) -> Inspected:
        """The verdict once every chunk was fed. Raises UnsupportedFileType (also for an
        empty file) or PdfEncrypted."""
        content_type = self._content_type()
        if content_type is None:
            raise UnsupportedFileType({})
        if content_type == PDF and self._encrypt.seen:
            raise PdfEncrypted({})
        return Inspected(
            self.size, self._sha256.hexdigest(), content_type, EXTENSIONS[content_type]
        )

    def _content_type(self):
        head = bytes(self._head)
        if not head:
            return None
        if head.startswith(b"\xff\xd8\xff"):
            return JPEG
        if head.startswith(PNG_SIGNATURE):
            return PNG
        if _is_heic(head):
            return HEIC
        if head.startswith(ZIP_SIGNATURE):
            return self._zip.office_type()
        if b"%PDF-" in head:
            return PDF
        return TEXT if self._text.finish() else None


def _is_heic(head):
    """An ISO-BMFF `ftyp` box first: size (4), "ftyp", major brand, minor version (4),
    then compatible brands up to the box's end."""
    if len(head) < 16 or head[4:8] != b"ftyp":
        return False
    end = min(int.from_bytes(head[:4], "big"), len(head))
    brands = {head[8:12]} | {head[at : at + 4] for at in range(16, end - 3, 4)}
    return bool(brands & HEIF_BRANDS) and not brands & AVIF_BRANDS


class _TextCheck:
    """Whether everything so far can be a plain UTF-8 text file."""

    def __init__(self):
        self.possible = True
        self._decoder = codecs.getincrementaldecoder("utf-8")()

    def feed(self, chunk):
        if not self.possible:
            return
        if FORBIDDEN_CONTROLS.search(chunk):
            self.possible = False
            return
        view = memoryview(chunk)
        try:
            for start in range(0, len(view), DECODE_SLICE):
                self._decoder.decode(view[start : start + DECODE_SLICE])
        except UnicodeDecodeError:
            self.possible = False

    def finish(self):
        """True when the stream ended as valid UTF-8 (no sequence cut off at the end)."""
        if self.possible:
            try:
                self._decoder.decode(b"", final=True)
            except UnicodeDecodeError:
                self.possible = False
        return self.possible


class _Rolling:
    """Finds patterns of at most `width` bytes anywhere in the stream, also where they
    straddle chunk boundaries: each chunk is searched on its own, and the seam is
    searched as (the last width-1 bytes before it + the first width bytes after it).
    A pattern found twice (near a seam) is harmless: subclasses only record facts."""

    width = 0

    def __init__(self):
        self._tail = b""

    def feed(self, chunk):
        if self._tail:
            self._scan(self._tail + chunk[: self.width])
        self._scan(chunk)
        self._tail = (self._tail + chunk[-(self.width - 1) :])[-(self.width - 1) :]

    def _scan(self, data):
        raise NotImplementedError


class _EncryptToken(_Rolling):
    """Whether `/Encrypt` followed by a delimiter occurs anywhere in the stream.

    An encrypted PDF names its encryption dictionary in the trailer, or, from PDF 1.5,
    in the dictionary of its cross-reference stream; stream dictionaries are never
    compressed, so the token is always visible in the raw bytes. The trade-off: the
    same bytes in uncompressed page content or metadata (a PDF that writes about
    "/Encrypt") are a false positive and that file is refused; a full parse of the
    trailer would need random access to the end of the file, which a stream lacks.
    The delimiter check keeps names such as /EncryptMetadata from counting alone.
    """

    TOKEN = b"/Encrypt"
    DELIMITERS = frozenset(b"\x00\t\n\x0c\r ()<>[]{}/%0123456789")
    width = len(TOKEN) + 1

    def __init__(self):
        super().__init__()
        self.seen = False

    def _scan(self, data):
        at = data.find(self.TOKEN)
        while at != -1 and not self.seen:
            end = at + len(self.TOKEN)
            self.seen = end < len(data) and data[end] in self.DELIMITERS
            at = data.find(self.TOKEN, at + 1)


class _ZipEntries(_Rolling):
    """The Office part names among the ZIP's local file headers.

    A local header is "PK\\3\\4", 22 bytes of fields, the name length (2 bytes, little
    endian, at offset 26), the extra field length, then the name itself, stored
    uncompressed. Scanning for the signature instead of walking entry by entry also
    works for entries whose sizes only follow in a data descriptor. The trade-off: a
    stored (uncompressed) DOCX inside a plain ZIP would pass as a DOCX.
    """

    CONTENT_TYPES = b"[Content_Types].xml"
    WORD = b"word/document.xml"
    EXCEL = b"xl/workbook.xml"
    WANTED = {CONTENT_TYPES, WORD, EXCEL}
    MAX_NAME = max(len(name) for name in WANTED)
    width = 30 + MAX_NAME

    def __init__(self):
        super().__init__()
        self.found = set()

    def _scan(self, data):
        at = data.find(ZIP_SIGNATURE)
        while at != -1:
            if at + 30 <= len(data):
                length = int.from_bytes(data[at + 26 : at + 28], "little")
                name = bytes(data[at + 30 : at + 30 + length])
                if length <= self.MAX_NAME and len(name) == length and name in self.WANTED:
                    self.found.add(name)
            at = data.find(ZIP_SIGNATURE, at + 1)

    def office_type(self):
        """DOCX, XLSX, or None for any other ZIP."""
        if self.CONTENT_TYPES not in self.found:
            return None
        if self.WORD in self.found:
            return DOCX
        return XLSX if self.EXCEL in self.found else None
