"""The platform's sealing identity: made once on first start (also when processes race),
a configured one used as it is and checked, and evidence seals."""

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from services.signing import platform_key
from services.signing.platform_key import PlatformIdentity, load_or_create, seal, verify_seal
from tests.unit.signing_helpers import self_signed, self_signed_identity

ROOT = Path(__file__).resolve().parents[2]
EVIDENCE = {
    "document_sha256": "ab" * 32,
    "signer": {"id": "c-1", "name": "Jan de Vries"},
    "signed_at": "2026-03-14T09:05:07+00:00",
    "ip": "203.0.113.7",
    "user_agent": "Mozilla/5.0",
    "auth": ["password", "sms"],
    "note": "één €",
}


def test_first_start_makes_a_root_and_a_certificate_it_issued(tmp_path):
    identity = load_or_create(tmp_path)
    keys = tmp_path / "keys"
    assert sorted(p.name for p in keys.iterdir()) == [
        "signing-cert.pem",
        "signing-key.pem",
        "signing-root.pem",
    ]
    assert stat.S_IMODE((keys / "signing-key.pem").stat().st_mode) == 0o600
    cert, root = identity.certificate, x509.load_pem_x509_certificate(identity.root_pem)
    assert identity.common_name == "Kluis platform seal"
    assert root.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == "Kluis local root"
    assert cert.issuer == root.subject
    cert.verify_directly_issued_by(root)
    assert isinstance(identity.private_key, ec.EllipticCurvePrivateKey)
    usage = cert.extensions.get_extension_for_class(x509.KeyUsage).value
    assert usage.digital_signature and usage.content_commitment and not usage.key_cert_sign
    assert cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca is False
    assert root.extensions.get_extension_for_class(x509.BasicConstraints).value.ca is True
    years = (cert.not_valid_after_utc - cert.not_valid_before_utc).days / 365.25
    assert 9.9 < years < 10.1


def test_a_second_start_reads_the_same_identity(tmp_path):
    first, second = load_or_create(tmp_path), load_or_create(tmp_path)
    assert first == second
    assert second.key_pem == (tmp_path / "keys" / "signing-key.pem").read_bytes()


def test_the_common_name_is_configurable(tmp_path):
    assert (
        load_or_create(tmp_path, common_name="Hypotheekhuis seal").common_name
        == "Hypotheekhuis seal"
    )


def test_processes_racing_on_first_start_all_end_up_with_one_identity(tmp_path):
    code = (
        "import sys; from services.signing.platform_key import load_or_create; "
        "sys.stdout.write(load_or_create(sys.argv[1]).cert_pem.decode())"
    )
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", code, str(tmp_path)], cwd=ROOT, stdout=subprocess.PIPE
        )
        for _ in range(6)
    ]
    certs = {process.communicate(timeout=60)[0] for process in processes}
    assert all(process.returncode == 0 for process in processes)
    assert certs == {(tmp_path / "keys" / "signing-cert.pem").read_bytes()}
    assert not [p for p in (tmp_path / "keys").iterdir() if p.name.startswith(".")]


def test_a_key_left_without_its_certificate_is_reported_not_replaced(tmp_path, monkeypatch):
    monkeypatch.setattr(platform_key, "CREATION_WAIT_S", 0.2)
    (tmp_path / "keys").mkdir()
    (tmp_path / "keys" / "signing-key.pem").write_bytes(b"half a first start")
    with pytest.raises(ValueError, match="signing-cert.pem"):
        load_or_create(tmp_path)
    assert (tmp_path / "keys" / "signing-key.pem").read_bytes() == b"half a first start"


def write(path, data):
    path.write_bytes(data)
    return str(path)


def test_configured_files_are_used_and_nothing_is_generated(tmp_path):
    key_pem, cert_pem = self_signed("Notaris Jansen seal")
    identity = load_or_create(
        tmp_path / "var", write(tmp_path / "k.pem", key_pem), write(tmp_path / "c.pem", cert_pem)
    )
    assert (identity.key_pem, identity.cert_pem, identity.chain_pem) == (key_pem, cert_pem, b"")
    assert identity.common_name == "Notaris Jansen seal"
    assert identity.root_pem == cert_pem  # self-signed: its own anchor
    assert not (tmp_path / "var").exists()


def test_a_configured_chain_gives_the_root(tmp_path):
    issued = load_or_create(tmp_path / "elsewhere")  # a key, a cert and its issuer
    paths = [
        write(tmp_path / name, data)
        for name, data in [
            ("k.pem", issued.key_pem),
            ("c.pem", issued.cert_pem),
            ("ch.pem", issued.chain_pem),
        ]
    ]
    identity = load_or_create(tmp_path / "var", *paths)
    assert identity.root_pem == issued.chain_pem == issued.root_pem
    assert len(identity.chain) == 1


def bad_configurations(tmp_path):
    key_pem, cert_pem = self_signed()
    other_key, _ = self_signed()
    weak_key, weak_cert = self_signed(non_repudiation=False)
    key, cert = write(tmp_path / "k", key_pem), write(tmp_path / "c", cert_pem)
    return {
        "another key": (write(tmp_path / "o", other_key), cert, None),
        "no certificate": (key, None, None),
        "no key": (None, cert, None),
        "a chain alone": (None, None, cert),
        "not PEM": (write(tmp_path / "j", b"junk"), cert, None),
        "a missing file": (str(tmp_path / "nope"), cert, None),
        "a certificate that may not seal": (
            write(tmp_path / "wk", weak_key),
            write(tmp_path / "wc", weak_cert),
            None,
        ),
    }


@pytest.mark.parametrize(
    "problem",
    [
        "another key",
        "no certificate",
        "no key",
        "a chain alone",
        "not PEM",
        "a missing file",
        "a certificate that may not seal",
    ],
)
def test_a_bad_configuration_is_refused_without_showing_the_key(tmp_path, problem):
    with pytest.raises(ValueError) as error:
        load_or_create(tmp_path / "var", *bad_configurations(tmp_path)[problem])
    assert "PRIVATE" not in str(error.value) and "MII" not in str(error.value)
    assert not (tmp_path / "var").exists()


def test_the_key_never_shows_in_repr(tmp_path):
    identity = load_or_create(tmp_path)
    assert "PRIVATE" not in repr(identity) and "key_pem" not in repr(identity)


@pytest.mark.parametrize("rsa_key", [False, True])
def test_a_seal_verifies_over_exactly_its_payload(tmp_path, rsa_key):
    identity = load_or_create(tmp_path) if not rsa_key else self_signed_identity(rsa_key=True)
    sealed = seal(identity, EVIDENCE)
    assert set(sealed) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
    assert verify_seal(identity, dict(reversed(list(EVIDENCE.items()))), sealed)  # key order
    for field, value in [
        ("ip", "203.0.113.8"),
        ("signer", {"id": "c-1", "name": "Jan"}),
        ("note", "een €"),
        ("extra", None),
    ]:
        assert not verify_seal(identity, {**EVIDENCE, field: value}, sealed)
    assert not verify_seal(identity, {k: v for k, v in EVIDENCE.items() if k != "ip"}, sealed)


def test_a_seal_from_another_key_or_a_broken_seal_does_not_verify(tmp_path):
    identity, other = load_or_create(tmp_path / "a"), load_or_create(tmp_path / "b")
    sealed = seal(identity, EVIDENCE)
    assert not verify_seal(other, EVIDENCE, sealed)
    for broken in [
        "",
        "!!!",
        sealed[:-4],
        sealed[:10] + ("A" if sealed[10] != "A" else "B") + sealed[11:],
        "x" * 5,
    ]:
        assert not verify_seal(identity, EVIDENCE, broken)


def test_the_canonical_json_is_the_documented_one():
    assert platform_key.canonical_json({"b": 1, "a": "é"}) == '{"a":"é","b":1}'.encode()


def test_the_key_file_is_private_even_with_a_loose_umask(tmp_path):
    old = os.umask(0)
    try:
        load_or_create(tmp_path)
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "keys" / "signing-key.pem").stat().st_mode) == 0o600
    assert stat.S_IMODE((tmp_path / "keys").stat().st_mode) == 0o700
    assert isinstance(load_or_create(tmp_path), PlatformIdentity)
