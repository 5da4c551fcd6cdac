"""Settings shared by every process, read from the environment (docs/api.md "Running").

Service-specific knobs live in each service's config.yaml as `${ENV:default}`; the
few defaults that depend on another variable (database URLs under KLUIS_VAR) are
computed here, so that a unset variable always means "the embedded default".
"""

import os
from pathlib import Path

DEFAULT_AMQP_URI = "amqp://guest:guest@127.0.0.1:5672/"

# Every service, and the class that `nameko run` starts for it.
SERVICE_CLASSES = {
    "identity": "services.identity.service:IdentityService",
    "dossier": "services.dossier.service:DossierService",
    "documents": "services.documents.service:DocumentsService",
    "notify": "services.notify.service:NotifyService",
    "signing": "services.signing.service:SigningService",
}


def kluis_var():
    path = Path(os.environ.get("KLUIS_VAR") or "./var").resolve()
    path.mkdir(parents=True, exist_ok=True)
    return path


def amqp_uri():
    return os.environ.get("AMQP_URI") or DEFAULT_AMQP_URI


def database_url(service, configured=None):
    """The service's database: `<SERVICE>_DB_URL`, else a SQLite file under KLUIS_VAR."""
    url = configured or os.environ.get(f"{service.upper()}_DB_URL")
    return url or f"sqlite:///{kluis_var() / (service + '.db')}"


def env_int(name, default):
    value = os.environ.get(name)
    return int(value) if value not in (None, "") else default


def config_value(config, name, default, kind=int):
    """A service's setting from its config (YAML with `${ENV:default}`): empty or
    missing gives `default`, anything else is converted with `kind`."""
    value = config.get(name)
    return kind(value) if value not in (None, "") else default
