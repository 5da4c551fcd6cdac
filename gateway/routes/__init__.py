"""Every HTTP route, by resource. Importing this package registers them all."""

from . import (  # noqa: F401
    admin,
    auth,
    clients,
    documents,
    dossiers,
    erasure,
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
