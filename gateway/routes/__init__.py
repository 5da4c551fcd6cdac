"""Every HTTP route, by resource. Importing this package registers them all."""
from . import admin, auth, clients, dossiers, me, offices, registrations, system  # noqa: F401
