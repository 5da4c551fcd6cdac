"""The platform's sealing identity: the key and certificate that seal signed documents
(a PAdES signature, see `pades`) and signing evidence (`seal`, `verify_seal`). Pure: no
nameko, no database; the only I/O is reading (or, on first start, writing) PEM files.

By default (nothing configured) the identity is made on first start under
`var_dir/keys/`: a self-signed root "Kluis local root" and a signing certificate that it
issued. The root's private key is thrown away right after issuing, so the local root can
never vouch for anything else. A real identity (for example one issued under a qualified
or AATL root) is configured as PEM files: key, certificate and the issuer chain.
"""

import base64
import binascii
import json
import os
import time
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed448, ed25519, padding, rsa
from cryptography.x509.oid import NameOID

from services.common.files import link_new

from .certificates import generate, pem_certificate, pem_key

KEY_DIR = Path("keys")
ROOT_FILE, KEY_FILE, CERT_FILE = "signing-root.pem", "signing-key.pem", "signing-cert.pem"
CREATION_WAIT_S = 10.0  # how long a process that lost the creation race waits for the winner


@dataclass(frozen=True)
class PlatformIdentity:
    """PEM bytes of the sealing key, its certificate and the issuer chain (the issuing
    certificates up to and including the root, nearest first; may be empty for a
    self-signed certificate). `repr` never shows the key."""

    key_pem: bytes = field(repr=False)
    cert_pem: bytes
    chain_pem: bytes = b""

    @cached_property
    def private_key(self):
        """The cryptography private key object."""
        return serialization.load_pem_private_key(self.key_pem, password=None)

    @cached_property
    def certificate(self) -> x509.Certificate:
        """The sealing certificate as a cryptography object."""
        return x509.load_pem_x509_certificate(self.cert_pem)

    @cached_property
    def chain(self) -> list:
        """The issuer certificates as cryptography objects (nearest first)."""
        return x509.load_pem_x509_certificates(self.chain_pem) if self.chain_pem.strip() else []

    @property
    def root_pem(self) -> bytes:
        """The trust anchor to validate against: the chain's last certificate, or the
        certificate itself when there is no chain (self-signed)."""
        root = self.chain[-1] if self.chain else self.certificate
        return root.public_bytes(serialization.Encoding.PEM)

    @property
    def common_name(self) -> str:
        """The subject common name of the sealing certificate ("" if it has none)."""
        names = self.certificate.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
        return str(names[0].value) if names else ""

    def asn1_certificate(self) -> asn1_x509.Certificate:
        """The sealing certificate as asn1crypto (pyHanko's currency)."""
        return asn1_x509.Certificate.load(self.certificate.public_bytes(serialization.Encoding.DER))

    def asn1_chain(self) -> list:
        """The issuer certificates as asn1crypto objects."""
        return [
            asn1_x509.Certificate.load(c.public_bytes(serialization.Encoding.DER))
            for c in self.chain
        ]

    def asn1_private_key(self) -> asn1_keys.PrivateKeyInfo:
        """The key as asn1crypto PKCS#8, for pyHanko's SimpleSigner."""
        return asn1_keys.PrivateKeyInfo.load(
            self.private_key.private_bytes(
                serialization.Encoding.DER,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        )


def load_or_create(
    var_dir, key_file=None, cert_file=None, chain_file=None, common_name="Kluis platform seal"
) -> PlatformIdentity:
    """-> the platform identity. With key_file and cert_file (PEM, the key unencrypted;
    chain_file optional: the issuer certificates, nearest first, root last) those are
    used; without them the default identity under var_dir/keys/, made on first start
    (common_name names its certificate). ValueError for a half or inconsistent
    configuration (a key that does not belong to the certificate, an unreadable file);
    the message names the file, never key material."""
    if key_file or cert_file:
        if not (key_file and cert_file):
            raise ValueError("the signing key file and certificate file go together: set both")
        identity = PlatformIdentity(
            _read(key_file), _read(cert_file), _read(chain_file) if chain_file else b""
        )
        _check(identity, f"{key_file} / {cert_file}")
        return identity
    if chain_file:
        raise ValueError("a signing chain file needs the key file and certificate file too")
    identity = _read_or_create_default(Path(var_dir) / KEY_DIR, common_name)
    _check(identity, str(Path(var_dir) / KEY_DIR))
    return identity


def seal(identity: PlatformIdentity, payload: dict) -> str:
    """-> base64url (no padding) of the platform key's signature over the canonical JSON
    of payload (sort_keys, separators (",", ":"), ensure_ascii False, UTF-8). TypeError
    for a payload that JSON cannot represent."""
    data, key = canonical_json(payload), identity.private_key
    if isinstance(key, ec.EllipticCurvePrivateKey):
        signature = key.sign(data, ec.ECDSA(hashes.SHA256()))
    elif isinstance(key, rsa.RSAPrivateKey):
        signature = key.sign(data, padding.PKCS1v15(), hashes.SHA256())
    else:  # Ed25519 / Ed448 sign the message itself
        signature = key.sign(data)
    return base64.urlsafe_b64encode(signature).rstrip(b"=").decode("ascii")


def verify_seal(identity: PlatformIdentity, payload: dict, seal_text: str) -> bool:
    """True only when seal_text is the platform key's seal over exactly this payload.
    False for any difference or a malformed seal (never raises for bad input)."""
    try:
        signature = base64.urlsafe_b64decode(seal_text + "=" * (-len(seal_text) % 4))
    except (binascii.Error, ValueError, TypeError):
        return False
    data, key = canonical_json(payload), identity.certificate.public_key()
    try:
        if isinstance(key, ec.EllipticCurvePublicKey):
            key.verify(signature, data, ec.ECDSA(hashes.SHA256()))
        elif isinstance(key, rsa.RSAPublicKey):
            key.verify(signature, data, padding.PKCS1v15(), hashes.SHA256())
        else:
            key.verify(signature, data)
    except (InvalidSignature, ValueError):
        return False
    return True


def canonical_json(payload: dict) -> bytes:
    """The exact bytes that `seal` signs."""
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode(
        "utf-8"
    )


def _read(path) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError as error:
        raise ValueError(f"cannot read signing file {path}: {error.strerror}") from None


def _check(identity, source):
    """The files parse, the key belongs to the certificate, and that may seal."""
    try:
        key, cert, _ = identity.private_key, identity.certificate, identity.chain
    except (ValueError, TypeError):
        raise ValueError(
            f"{source}: not a readable unencrypted PEM key, certificate and chain"
        ) from None
    if not isinstance(
        key,
        (
            ec.EllipticCurvePrivateKey,
            rsa.RSAPrivateKey,
            ed25519.Ed25519PrivateKey,
            ed448.Ed448PrivateKey,
        ),
    ):
        raise ValueError(f"{source}: unsupported signing key type")
    public = serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    if key.public_key().public_bytes(*public) != cert.public_key().public_bytes(*public):
        raise ValueError(f"{source}: the signing key does not belong to the certificate")
    try:
        usage = cert.extensions.get_extension_for_class(x509.KeyUsage).value
    except x509.ExtensionNotFound:
        return
    if not usage.content_commitment:  # validators (pyHanko's too) require it on a seal
        raise ValueError(
            f"{source}: the signing certificate's key usage lacks "
            "nonRepudiation (contentCommitment)"
        )


def _read_or_create_default(directory: Path, common_name) -> PlatformIdentity:
    """The one-machine default, race-safe between processes. Every file is written to a
    private temporary file and hard-linked into place (a reader never sees a half file).
    The key's link decides who creates the identity; the certificate, linked last,
    marks it complete. A process that lost waits for the winner's certificate."""
    existing = _read_default(directory)
    if existing:
        return existing
    os.makedirs(directory, mode=0o700, exist_ok=True)
    key, root, cert = generate(common_name)
    if link_new(directory / KEY_FILE, pem_key(key), 0o600):
        link_new(directory / ROOT_FILE, pem_certificate(root), 0o644)
        link_new(directory / CERT_FILE, pem_certificate(cert), 0o644)
    deadline = time.monotonic() + CREATION_WAIT_S
    while not (existing := _read_default(directory)):
        if time.monotonic() > deadline:
            raise ValueError(
                f"{directory}: {KEY_FILE} exists without {CERT_FILE} (an "
                "interrupted first start?): remove the signing-*.pem files"
            )
        time.sleep(0.05)
    return existing


def _read_default(directory: Path):
    """-> the identity if its certificate (linked last) is in place, else None."""
    try:
        cert = (directory / CERT_FILE).read_bytes()
    except FileNotFoundError:
        return None
    return PlatformIdentity(
        (directory / KEY_FILE).read_bytes(), cert, (directory / ROOT_FILE).read_bytes()
    )
