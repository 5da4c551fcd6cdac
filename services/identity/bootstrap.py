"""`python -m services.identity.bootstrap`: create the admin from KLUIS_ADMIN_EMAIL /
KLUIS_ADMIN_PASSWORD when no account has that e-mail (run after the migrations)."""

import os
import sys

from services.common.db import make_engine
from services.common.settings import database_url
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
        with unit_of_work(engine, "identity", metadata.tables["outbox"]) as uow:
            created = accounts.bootstrap_admin(uow, email, password)
    except WeakPassword as exc:
        print(f"identity: KLUIS_ADMIN_PASSWORD is too weak ({', '.join(exc.details['rules'])})")
        return 1
    finally:
        engine.dispose()
    print(f"identity: admin {email} {'created' if created else 'already present'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
