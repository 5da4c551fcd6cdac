"""`python -m services.identity.bootstrap`: create the admin from KLUIS_ADMIN_EMAIL /
KLUIS_ADMIN_PASSWORD when no account has that e-mail (run after the migrations)."""

import os
import sys
from pathlib import Path

import yaml
from nameko.cli.main import setup_yaml_parser

from services.common.db import make_engine
from services.common.field_sealing import FieldSettings
from services.common.sealed_columns import KEYRING
from services.common.settings import database_url, read_settings
from services.common.unit_of_work import unit_of_work

from . import accounts
from .exceptions import WeakPassword
from .models import metadata


def main():
    email, password = os.environ.get("KLUIS_ADMIN_EMAIL"), os.environ.get("KLUIS_ADMIN_PASSWORD")
    if not email or not password:
        print("identity: KLUIS_ADMIN_EMAIL / KLUIS_ADMIN_PASSWORD not set; no admin created")
        return 0
    engine = make_engine(database_url("identity"))
    try:
        info = {KEYRING: field_keyring()}  # the admin's fields are sealed as anyone's
        with unit_of_work(engine, "identity", metadata.tables["outbox"], info) as uow:
            created = accounts.bootstrap_admin(uow, email, password)
    except WeakPassword as exc:
        print(f"identity: KLUIS_ADMIN_PASSWORD is too weak ({', '.join(exc.details['rules'])})")
        return 1
    finally:
        engine.dispose()
    print(f"identity: admin {email} {'created' if created else 'already present'}")
    return 0


def field_keyring():
    """identity's field keyring from its config.yaml, read as `nameko run` reads it
    (FIELD_KEYS ... from the environment variables it names)."""
    setup_yaml_parser()
    config = yaml.safe_load((Path(__file__).with_name("config.yaml")).read_text())
    return read_settings(FieldSettings, config).keyring()


if __name__ == "__main__":
    sys.exit(main())
