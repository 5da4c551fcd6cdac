"""documents's and signing's typed settings (services/<service>/settings.py): each is read
from a key of the service's config.yaml, whose `${ENV:default}` default is the field's
own, and values arrive converted to the field's type."""

import re
from dataclasses import fields
from datetime import timedelta
from pathlib import Path

import pytest

from services.common.settings import read_settings
from services.documents.settings import DocumentsSettings
from services.signing.settings import SigningSettings, VerifyBudget

ROOT = Path(__file__).resolve().parents[2]
# KLUIS_PUBLIC_URL's default is the config's (a local portal); the field's "" is what an
# emptied variable means.
DEFAULT_DIFFERS = {"KLUIS_PUBLIC_URL"}


def config_defaults(service):
    """{key: the default text of its `${ENV:default}`} from the service's config.yaml."""
    text = (ROOT / "services" / service / "config.yaml").read_text()
    return dict(re.findall(r"(?m)^(\w+): (?:!raw_env_var )?\"?\$\{\w+:([^}]*)\}", text))


@pytest.mark.parametrize(
    ("service", "cls"),
    [("documents", DocumentsSettings), ("signing", SigningSettings), ("signing", VerifyBudget)],
)
def test_every_setting_is_a_config_key_with_the_same_default(service, cls):
    defaults = config_defaults(service)
    names = [f.metadata["name"] for f in fields(cls)]
    assert [name for name in names if name not in defaults] == []
    from_config = {name: defaults[name] for name in names if name not in DEFAULT_DIFFERS}
    assert read_settings(cls, from_config) == cls()


def test_signing_settings_arrive_typed():
    settings = read_settings(
        SigningSettings,
        {
            "KLUIS_PUBLIC_URL": "https://kluis.example/",
            "SIGNING_REQUEST_TTL_S": "60",
            "SIGNING_REMINDER_BEFORE_S": 30,
            "VERIFY_RATE_BURST": "2",
            "SIGNING_KEY_FILE": "",
        },
    )
    assert settings.public_url == "https://kluis.example"
    assert (settings.request_ttl, settings.reminder_before) == (
        timedelta(seconds=60),
        timedelta(seconds=30),
    )
    assert (settings.verify_rate.burst, settings.verify_rate.per_s) == (2, 600.0)
    assert settings.key_file is None
    with pytest.raises(ValueError, match="VERIFY_MAX_FIELDS: expected int"):
        read_settings(VerifyBudget, {"VERIFY_MAX_FIELDS": "many"})
