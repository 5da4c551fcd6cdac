"""Every HTTP route, by resource. Importing this package registers them all."""
from . import (admin, auth, clients, documents, dossiers, me, offices, portal,  # noqa: F401
               registrations, system, tasks)
