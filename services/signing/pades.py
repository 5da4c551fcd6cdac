"""PAdES seals on PDF files, made and checked with pyHanko. Pure: bytes in, bytes out,
no network (no timestamp server, no certificate fetching, no revocation look-ups).

Both functions hold the whole file in memory: the caller bounds its size (the
service refuses files over its upload limit before calling).

pyHanko's synchronous calls each run `asyncio.run`. Under eventlet the asyncio loop's
(monkey-patched) selector yields to the hub, and asyncio keeps the running loop per OS
thread, not per greenthread: a second greenthread entering pyHanko meanwhile fails with
"asyncio.run() cannot be called from a running event loop". So every pyHanko call here
holds `_PYHANKO` (a green lock once eventlet has patched threading, as the services and
tests do before importing this module). The calls are short (milliseconds for a page
of evidence and a signature), so serialising them costs little.
"""

import datetime
import hashlib
import io
import logging
import re
import secrets
import threading
from dataclasses import dataclass

from asn1crypto import cms
from asn1crypto import parser as asn1_parser
from pyhanko.keys import load_certs_from_pemder_data
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.sign.validation import SignatureCoverageLevel, validate_pdf_signature
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.registry import SimpleCertificateStore

from .certificate_page import NotAPdf
from .platform_key import PlatformIdentity

log = logging.getLogger(__name__)
FIELD_PREFIX = "KluisSeal"
_HEX_STRING = re.compile(rb"<((?:[0-9A-F]{2})+|(?:[0-9a-f]{2})+)>")
_PYHANKO = threading.Lock()  # see the module docstring
_OBJECT_HEADER = re.compile(rb"\d+\s+\d+\s+obj\b")
_SIGNATURE_FIELD = re.compile(rb"/FT\s*/Sig\b")


class TooComplex(Exception):
    """The file holds more than the budget allows (args: what)."""


@dataclass(frozen=True)
class Budget:
    """What a file to verify may hold: pyHanko's work grows with each signature field
    (a CMS object parsed per field: 3,000 of them took 8 s) and with the objects to
    index. Counted before that work, so a file beyond it costs one linear scan."""

    max_fields: int
    max_objects: int

    def check_bytes(self, pdf_bytes):
        """The raw file: fields and objects written out in the open."""
        if len(_SIGNATURE_FIELD.findall(pdf_bytes)) > self.max_fields:
            raise TooComplex("signature fields")
        if sum(1 for _ in _OBJECT_HEADER.finditer(pdf_bytes)) > self.max_objects:
            raise TooComplex("objects")

    def check_form(self, reader):
        """The parsed form: also counts fields packed in compressed object streams,
        which the raw scan cannot see. The walk itself is bounded by max_objects."""
        form = reader.root.get("/AcroForm")
        pending = list(form.get_object().get("/Fields", ())) if form is not None else []
        visited = fields = 0
        while pending:
            node = pending.pop().get_object()
            visited += 1
            fields += node.get("/FT") == "/Sig"
            if visited > self.max_objects or fields > self.max_fields:
                raise TooComplex("signature fields")
            pending.extend(node.get("/Kids", ()))


def sign_pdf(
    pdf_bytes: bytes, identity: PlatformIdentity, reason: str, location: str | None = None
) -> bytes:
    """-> pdf_bytes with an invisible PAdES baseline B-B signature by the platform
    identity added as an incremental update (the input is the unchanged prefix of the
    result). SHA-256, SubFilter ETSI.CAdES.detached; the signer's certificate and its
    issuers are embedded, except the self-signed root (verifiers bring their own).

    B-B only: there is no timestamp authority (the platform may run without internet),
    so the signing time is the platform's own clock, recorded in the signature
    dictionary's /M (PAdES forbids a CMS signing-time attribute); it is as trustworthy
    as the platform. No revocation data is embedded either (no B-LT).
    Raises NotAPdf for bytes that pyHanko cannot read or that are encrypted."""
    try:
        writer = IncrementalPdfFileWriter(io.BytesIO(pdf_bytes), strict=False)
        encrypted = writer.prev.encrypted
    except Exception:  # pyHanko raises many kinds for damaged files
        raise NotAPdf("not a readable PDF") from None
    if encrypted:
        raise NotAPdf("the PDF is encrypted")
    metadata = signers.PdfSignatureMetadata(
        # A fresh name each time: a document may already carry other signatures.
        field_name=f"{FIELD_PREFIX}-{secrets.token_hex(4)}",
        subfilter=fields.SigSeedSubFilter.PADES,
        md_algorithm="sha256",
        reason=reason,
        location=location,
    )
    with _PYHANKO:
        output = signers.PdfSigner(metadata, signer=platform_signer(identity)).sign_pdf(writer)
    return output.getvalue()


def platform_signer(identity: PlatformIdentity) -> signers.SimpleSigner:
    """-> pyHanko's in-memory signer for the identity (embeds the chain but the root)."""
    return signers.SimpleSigner(
        signing_cert=identity.asn1_certificate(),
        signing_key=identity.asn1_private_key(),
        cert_registry=SimpleCertificateStore.from_certs(identity.asn1_chain()),
        # Verifiers hold the root already; a copy in the CMS is outside what the
        # signature covers, so its bytes could change without any check noticing.
        embed_roots=False,
    )


def verify_pdf(pdf_bytes: bytes, root_pem: bytes, budget: Budget | None = None) -> dict:
    """-> {"valid", "signed_by", "signed_at", "document_sha256", "reason"}.

    valid is True only when the file parses, has at least one signature, and its last
    signature: covers the whole file (nothing changed or added after signing), is
    intact (the digest matches) and cryptographically valid, and its signer chains to
    root_pem (the only trust anchor; nothing is fetched, revocation is not required).
    signed_by (the signer certificate's subject common name), signed_at (ISO-8601
    UTC, the signer's stated time, /M for PAdES) and reason are given only for a valid
    file (None otherwise: an invalid file's claims are worth nothing).
    document_sha256 is the hex SHA-256 of pdf_bytes exactly as given.
    Raises TooComplex for a file beyond `budget`, checked before the expensive work
    (run this in a process of its own with a time limit all the same: see
    verify_worker). Never raises for other bad input: it is simply not valid."""
    result = {
        "valid": False,
        "signed_by": None,
        "signed_at": None,
        "document_sha256": hashlib.sha256(pdf_bytes).hexdigest(),
        "reason": None,
    }
    if budget:
        budget.check_bytes(pdf_bytes)
    try:
        result.update(_check_last_signature(pdf_bytes, root_pem, budget))
    except TooComplex:
        raise
    except MemoryError:  # over the checking process's memory limit: beyond the budget
        raise TooComplex("memory") from None
    except Exception as error:  # damaged input of any kind is "not valid", not a crash
        log.info("signature check failed: %s", type(error).__name__)
    return result


def _check_last_signature(pdf_bytes, root_pem, budget) -> dict:
    reader = PdfFileReader(io.BytesIO(pdf_bytes), strict=False)
    if budget:
        budget.check_form(reader)
    signatures = reader.embedded_signatures
    if not signatures:
        return {}
    signature = signatures[-1]
    # pyHanko wants certificate objects here (PEM bytes fail deep inside).
    roots = list(load_certs_from_pemder_data(root_pem))
    context = ValidationContext(
        trust_roots=roots, allow_fetching=False, revocation_mode="soft-fail"
    )
    with _PYHANKO:
        status = validate_pdf_signature(signature, context)
    if not (
        status.intact
        and status.valid
        and status.trusted
        and status.bottom_line
        and status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    ):
        return {}
    if not (
        _certificates_on_path(signature, status)
        and contents_pinned(pdf_bytes, signature.sig_object["/ByteRange"])
    ):
        return {}
    reason = signature.sig_object.get("/Reason")
    return {
        "valid": True,
        "signed_by": _common_name(status.signing_cert),
        "signed_at": _utc_iso(status.signer_reported_dt),
        "reason": str(reason) if reason is not None else None,
    }


def contents_pinned(pdf_bytes, byte_range) -> bool:
    """True when the one part of the file that the signature does not cover, the
    /Contents hex string between the two signed byte ranges, holds nothing that could
    change without the checks noticing: hex digits in one case, then a CMS object that
    is exactly `_rebuilt_cms` of itself, then only zero padding.

    Without this, changing the case of a hex digit, a byte of padding, a DER length,
    a version number or the (unsigned) digestAlgorithms list of the CMS leaves pyHanko's
    verdict valid although the file's bytes, and its SHA-256, changed."""
    start, end = int(byte_range[0]) + int(byte_range[1]), int(byte_range[2])
    match = _HEX_STRING.fullmatch(pdf_bytes[start:end])
    if not match:
        return False
    data = bytes.fromhex(match.group(1).decode("ascii"))
    _, _, _, header, content, trailer = asn1_parser.parse(data)
    size = len(header) + len(content) + len(trailer)
    if any(data[size:]):
        return False
    return _rebuilt_cms(cms.ContentInfo.load(data[:size])).dump() == data[:size]


def _rebuilt_cms(content_info) -> cms.ContentInfo:
    """The CMS object as a signer writes it (RFC 5652, DER), made afresh around the
    parts that other checks cover byte for byte: the signed attributes and signature
    value (the signature), the certificates (`_certificates_on_path`). The small
    unsigned parts (identifiers, algorithms) are re-encoded, the rest follows."""
    signed_data = content_info["content"]
    (signer_info,) = signed_data["signer_infos"]
    if signer_info["unsigned_attrs"].native:
        raise ValueError("unexpected unsigned attributes")  # a B-B seal has none
    for name in ("sid", "digest_algorithm", "signature_algorithm"):
        signer_info[name].dump(force=True)  # re-encoded in place (force on all is slow)
    version = "v3" if signer_info["sid"].name == "subject_key_identifier" else "v1"
    rebuilt_info = cms.SignerInfo(
        {
            "version": version,
            **{
                name: signer_info[name]
                for name in (
                    "sid",
                    "digest_algorithm",
                    "signed_attrs",
                    "signature_algorithm",
                    "signature",
                )
            },
        }
    )
    return cms.ContentInfo(
        {
            "content_type": "signed_data",
            "content": cms.SignedData(
                {
                    "version": version,
                    "digest_algorithms": [signer_info["digest_algorithm"]],
                    "encap_content_info": {"content_type": "data"},
                    "certificates": signed_data["certificates"],
                    "signer_infos": [rebuilt_info],
                }
            ),
        }
    )


def _certificates_on_path(signature, status) -> bool:
    """Every certificate in the CMS is on the validated path (an extra one would be
    bytes that no check looks at)."""
    on_path = {cert.dump() for cert in status.validation_path.iter_certs(include_root=True)}
    return all(choice.chosen.dump() in on_path for choice in signature.signed_data["certificates"])


def _common_name(cert):
    return cert.subject.native.get("common_name") if cert is not None else None


def _utc_iso(moment):
    if moment is None:
        return None
    return moment.astimezone(datetime.UTC).isoformat()
