"""Every HTTP route, by resource. Importing this package registers them all."""

from . import (  # noqa: F401
    admin,
    audit,
    auth,
    clients,
    documents,
    dossiers,
    me,
    messages,
    offices,
    portal,
    questionnaires,
    registrations,
    signing,
    system,
    tasks,
)
