"""Every HTTP route, by resource. Importing this package registers them all."""
from . import (admin, auth, clients, documents, dossiers, me, messages,  # noqa: F401
               offices, portal, questionnaires, registrations, signing, system, tasks)
