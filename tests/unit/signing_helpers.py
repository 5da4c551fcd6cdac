"""Helpers for the signing unit tests: small PDFs, certificates made on the spot, and
pyHanko's own verdict on a signed file (independent of services.signing.pades)."""

import datetime
import io

from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import NameOID
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext
from reportlab.pdfgen import canvas

from services.signing.platform_key import PlatformIdentity


def make_pdf(*pages):
    """A PDF with one page per text, drawn by reportlab (uncompressed: the text is
    there to find in the bytes)."""
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pageCompression=0)
    for text in pages or ("Hypotheekofferte: lees en onderteken",):
        page.drawString(72, 720, text)
        page.showPage()
    page.save()
    return buffer.getvalue()


def self_signed(common_name="Kluis platform seal", key=None, non_repudiation=True):
    """-> (key PEM, certificate PEM): a self-signed certificate that may seal."""
    key = key or ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    now = datetime.datetime.now(datetime.UTC)
    usage = x509.KeyUsage(
        digital_signature=True,
        content_commitment=non_repudiation,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=False,
        crl_sign=False,
        encipher_only=False,
        decipher_only=False,
    )
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=1))
        .not_valid_after(now + datetime.timedelta(days=30))
        .add_extension(usage, critical=True)
        .sign(key, hashes.SHA256())
    )
    key_pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    return key_pem, cert.public_bytes(serialization.Encoding.PEM)


def self_signed_identity(common_name="Kluis platform seal", rsa_key=False):
    key = rsa.generate_private_key(65537, 3072) if rsa_key else None
    key_pem, cert_pem = self_signed(common_name, key)
    return PlatformIdentity(key_pem, cert_pem, b"")


def pyhanko_status(pdf_bytes, root_pem, index=-1):
    """pyHanko's own validation of a signature in the file, trusting root_pem only."""
    root = asn1_x509.Certificate.load(
        x509.load_pem_x509_certificate(root_pem).public_bytes(serialization.Encoding.DER)
    )
    reader = PdfFileReader(io.BytesIO(pdf_bytes), strict=False)
    return validate_pdf_signature(
        reader.embedded_signatures[index], ValidationContext(trust_roots=[root])
    )
