"""Every HTTP route, by resource. Importing this package registers them all."""

from . import (  # noqa: F401
    admin,
    auth,
    clients,
    documents,
    dossiers,
    me,
    messages,
    offices,
    portal,
    privacy,
    questionnaires,
    registrations,
    signing,
    system,
    tasks,
    webhooks,
)
