"""Settings shared by every process, read from the environment (docs/api.md "Running").

Service-specific knobs live in each service's config.yaml as `${ENV:default}`; the
few defaults that depend on another variable (database URLs under KLUIS_VAR) are
computed here, so that a unset variable always means "the embedded default".
"""

import os
import typing
from dataclasses import field, fields
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


# Typed settings, read once. Each service declares its knobs as a frozen dataclass whose
# fields are `setting(...)`s (services/<service>/settings.py); `read_settings` builds it
# from the service's config (config.yaml, `${ENV:default}`) when the container starts, and
# the `Settings` dependency (settings_dependency.py) hands the same instance to every
# worker. A value is converted to the field's type once, so a wrong value fails at start,
# not in the middle of a call.
_TRUE = ("1", "true", "yes", "on")
_FALSE = ("0", "false", "no", "off")


def setting(name, default, doc=""):
    """A field read from config key `name`; empty or missing gives `default`."""
    return field(default=default, metadata={"name": name, "doc": doc})


def _convert(kind, name, value):
    if kind is bool:
        text = str(value).strip().lower()
        if text in _TRUE or text in _FALSE:
            return text in _TRUE
        raise ValueError(f"{name}: expected a yes/no value, got {value!r}")
    try:
        return kind(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name}: expected {kind.__name__}, got {value!r}") from None


def read_settings(cls, config):
    """An instance of the settings dataclass `cls` from `config` (a mapping)."""
    hints = typing.get_type_hints(cls)
    values = {}
    for item in fields(cls):
        name = item.metadata.get("name", item.name.upper())
        raw = config.get(name)
        if raw in (None, ""):
            continue  # the field's default
        kind = hints[item.name]
        base = next((k for k in typing.get_args(kind) if k is not type(None)), kind)
        values[item.name] = _convert(base, name, raw)
    return cls(**values)
