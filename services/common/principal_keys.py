"""The Ed25519 keys that sign principals (services/common/context.py).

Every service has a key pair of its own, made on its first start: identity's signs the
principals of people (what a bearer token resolves to), each other service's signs only
its own service principal (a call it makes on its own behalf).

- The private key stays in `PRINCIPAL_KEY_DIR` (default `$KLUIS_VAR/keys`), file
  `principal-<service>.key`, mode 0600. Only its service reads it.
- The public key is published as `principal-<service>.pub` in `PRINCIPAL_PUBLIC_KEY_DIR`
  (default: the same folder), where every service reads the others' keys. A deployment
  that gives each service a private folder of its own shares only this one.

Public keys are read once per process and kept (verifying then costs microseconds);
a key not yet published (its service has not started yet) is looked for again on
the next call that needs it, and only for the services named in `SERVICE_NAMES`.
"""

import os
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519

from .files import link_new
from .settings import kluis_var

SERVICE_NAMES = ("identity", "dossier", "documents", "notify", "signing")

_private = {}  # service -> Ed25519PrivateKey
_public = {}  # service -> Ed25519PublicKey


def key_dir():
    return Path(os.environ.get("PRINCIPAL_KEY_DIR") or kluis_var() / "keys")


def public_key_dir():
    return Path(os.environ.get("PRINCIPAL_PUBLIC_KEY_DIR") or key_dir())


def private_key(service):
    """`service`'s private key, made (and its public key published) on first use."""
    if service not in _private:
        _private[service] = _load_or_create(service)
    return _private[service]


def public_key(service):
    """The published public key of `service`, or None while there is none."""
    if service not in _public and service in SERVICE_NAMES:
        path = public_key_dir() / f"principal-{service}.pub"
        try:
            _public[service] = serialization.load_pem_public_key(path.read_bytes())
        except FileNotFoundError:
            return None
    return _public.get(service)


def _load_or_create(service):
    folder = key_dir()
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    path = folder / f"principal-{service}.key"
    if not path.exists():
        key = ed25519.Ed25519PrivateKey.generate()
        link_new(
            path,
            key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            ),
            0o600,
        )
    key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    _publish(service, key.public_key())
    return key


def _publish(service, public):
    folder = public_key_dir()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"principal-{service}.pub"
    pem = public.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    if (not path.exists() or path.read_bytes() != pem) and (
        not link_new(path, pem, 0o644) and path.read_bytes() != pem
    ):
        # A key made before (say, a key file replaced by the operator): ours counts.
        path.unlink()
        link_new(path, pem, 0o644)
    _public[service] = public
