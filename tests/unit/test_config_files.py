"""Every part's config.yaml loads with nameko's own loader and means what it says."""

import re
from pathlib import Path

import pytest
import yaml
from nameko.cli.main import setup_yaml_parser

ROOT = Path(__file__).resolve().parents[2]
CONFIGS = sorted(ROOT.glob("services/*/config.yaml")) + [ROOT / "gateway" / "config.yaml"]

setup_yaml_parser()


def load(path, monkeypatch, **env):
    """The file as nameko reads it with only `env` set of the variables it names (none
    of the caller's environment: an exported AMQP_URI must not change the defaults)."""
    for name in re.findall(r"\$\{(\w+)", path.read_text()):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return yaml.safe_load(path.read_text())


@pytest.mark.parametrize("path", CONFIGS, ids=lambda p: p.parent.name)
def test_every_config_loads_with_the_broker_and_redacting_logs(path, monkeypatch):
    config = load(path, monkeypatch)
    assert config["AMQP_URI"] == "amqp://guest:guest@127.0.0.1:5672/"
    formatter = config["LOGGING"]["formatters"]["redacting"]["()"]
    assert formatter == "services.common.logs.RedactingFormatter"
    assert all(isinstance(key, str) and key == key.strip() for key in config)


def test_notify_defaults_and_overrides(monkeypatch):
    path = ROOT / "services" / "notify" / "config.yaml"
    defaults = load(path, monkeypatch)
    assert (defaults["SMTP_HOST"], defaults["SMTP_PORT"]) == ("127.0.0.1", 8025)
    assert defaults["SMS_PROVIDER"] == "twilio" and defaults["SMS_PROVIDER_URL"] is None
    configured = load(
        path, monkeypatch, SMTP_HOST="relay.example.nl", SMS_PROVIDER_URL="https://api.twilio.com"
    )
    assert configured["SMTP_HOST"] == "relay.example.nl"
    assert configured["SMS_PROVIDER_URL"] == "https://api.twilio.com"


def test_identity_versions_stay_text(monkeypatch):
    config = load(
        ROOT / "services" / "identity" / "config.yaml",
        monkeypatch,
        MIN_IOS_VERSION="17.10",
        SESSION_IDLE_TIMEOUT_S="300",
    )
    assert config["MIN_IOS_VERSION"] == "17.10" and config["SESSION_IDLE_TIMEOUT_S"] == 300


def test_in_compose_no_app_part_can_read_another_parts_private_files():
    """Each app part has a volume of its own at KLUIS_VAR (its private principal key,
    blobs, ...); the only volumes two services share hold the public principal keys, and
    the platform's audit key (identity and dossier only)."""
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    parts = {
        name: spec
        for name, spec in compose["services"].items()
        if spec.get("command", [None])[0]
        in ("identity", "dossier", "documents", "notify", "signing", "gateway", "mailsink")
    }
    assert len(parts) == 7
    mounted = {}  # volume -> parts that mount it
    for name, spec in parts.items():
        targets = dict(reversed(v.split(":")[:2]) for v in spec["volumes"])
        assert "/var/kluis" in targets, name  # KLUIS_VAR, from the image
        for volume in targets.values():
            mounted.setdefault(volume, set()).add(name)
    shared = {volume for volume, names in mounted.items() if len(names) > 1}
    assert shared == {"public-keys", "audit-key"}
    assert mounted["audit-key"] == {"identity", "dossier"}
    public_dir = parts["identity"]["environment"]["PRINCIPAL_PUBLIC_KEY_DIR"]
    for name in ("identity", "dossier", "documents", "notify", "signing"):
        assert f"public-keys:{public_dir}" in parts[name]["volumes"], name
        assert parts[name]["environment"]["PRINCIPAL_PUBLIC_KEY_DIR"] == public_dir
