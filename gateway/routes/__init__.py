"""Every HTTP route, by resource. Importing this package registers them all."""

from . import (  # noqa: F401
    admin,
    api_keys,
    auth,
    clients,
    documents,
    dossiers,
    erasure,
    home,
    me,
    messages,
    offices,
    portal,
    privacy,
    questionnaires,
    registrations,
    second_step,
    signing,
    system,
    tasks,
    webhooks,
)
