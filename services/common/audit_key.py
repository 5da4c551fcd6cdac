"""The platform's audit key: the Ed25519 key that signs audit checkpoints and exports
(services/common/audit_chain.py). Configured as a PEM file (AUDIT_KEY_FILE, the same
for every service and instance), else `audit-key.pem` made on first use in AUDIT_KEY_DIR
(default $KLUIS_VAR/keys: on one machine every service there shares it; Compose gives
identity and dossier one shared volume for it). The public half is served to anyone."""

import os
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519
from nameko.extensions import DependencyProvider

from .files import link_new
from .settings import kluis_var

KEY_FILE = "audit-key.pem"


def default_dir(config):
    return Path(config.get("AUDIT_KEY_DIR") or kluis_var() / "keys")


def load_or_create(key_dir, key_file=None) -> ed25519.Ed25519PrivateKey:
    """-> the private key from key_file, else from key_dir/audit-key.pem, made on first
    use (race-safe: the first process to link its file wins, the others read it).
    ValueError naming the file (never key material) when it is not an Ed25519 PEM key."""
    path = Path(key_file) if key_file else Path(key_dir) / KEY_FILE
    if not key_file and not path.exists():
        os.makedirs(path.parent, mode=0o700, exist_ok=True)
        link_new(path, private_pem(ed25519.Ed25519PrivateKey.generate()), 0o600)
    return load(key_dir, key_file)


def load(key_dir, key_file=None) -> ed25519.Ed25519PrivateKey:
    """-> the private key from key_file, else from key_dir/audit-key.pem; never makes one
    (a verifier that made a key would check against the wrong one). ValueError naming
    the file when it is missing or not an Ed25519 PEM key."""
    path = Path(key_file) if key_file else Path(key_dir) / KEY_FILE
    try:
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    except OSError as error:
        raise ValueError(f"cannot read the audit key {path}: {error.strerror}") from None
    except (ValueError, TypeError):
        raise ValueError(f"{path}: not an unencrypted PEM private key") from None
    if not isinstance(key, ed25519.Ed25519PrivateKey):
        raise ValueError(f"{path}: the audit key must be an Ed25519 key")
    return key


def private_pem(key) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


def public_pem(key) -> bytes:
    return key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )


class AuditKey(DependencyProvider):
    """`audit_key = AuditKey()`: the platform's private audit key, read once at start."""

    def setup(self):
        config = self.container.config
        self.key = load_or_create(default_dir(config), config.get("AUDIT_KEY_FILE") or None)

    def get_dependency(self, worker_ctx):
        return self.key
