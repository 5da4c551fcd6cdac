"""The error base every service raises across the bus.

An error crosses RPC as (module path, class name, args). The gateway registers every
subclass of `KluisError` it knows (see `gateway/errors.py`), so a remote error comes
back as its own class, with the same `code` and `details`; the gateway then decides
the HTTP status and the text in the caller's language. Subclasses accept `*args`
(nameko rebuilds them from args alone): `(details: dict | None)`. The details travel
as JSON text, because nameko turns every other scalar into a string on the way.
"""

import importlib
import json

# Every module whose KluisError subclasses may cross the bus (the wire contract).
EXCEPTION_MODULES = (
    "services.common.errors",
    "services.common.rpc",
    "gateway.http",
    "services.identity.exceptions",
    "services.dossier.exceptions",
    "services.documents.exceptions",
    "services.signing.exceptions",
    "services.notify.exceptions",
)


class KluisError(Exception):
    code = "error"

    def __init__(self, *args):
        details = args[0] if args else None
        if isinstance(details, str) and details.startswith("{"):
            details = json.loads(details)  # rebuilt on the caller's side of the bus
        self.details = details if isinstance(details, dict) else {}
        super().__init__(json.dumps(self.details, sort_keys=True), *args[1:])

    def __str__(self):
        # Never include details in the text: they may echo user input.
        return self.code


class ValidationFailed(KluisError):
    """details: {field: [messages]}"""

    code = "validation_error"


class NotFound(KluisError):
    """Also raised for objects that exist but the caller may not see."""

    code = "not_found"


class Forbidden(KluisError):
    code = "forbidden"


class ScopeMissing(Forbidden):
    """An API key without the scope this route or action needs."""

    code = "scope_missing"


class Unauthenticated(KluisError):
    code = "unauthenticated"


class ReadOnlySession(KluisError):
    code = "read_only_session"


class ClientErased(KluisError):
    """The person a write is about was erased (their field key destroyed: nothing personal
    is sealed for them again; services/common/sealed_columns.py): 410. Every Store's unit
    of work turns FieldKeyShredded into this; the inbox parks such a message at once."""

    code = "client_erased"


def register_remote_errors():
    """Make every KluisError of the wire contract come back over RPC as its own class
    (nameko rebuilds registered classes from their args). Each RPC caller does this:
    the gateway, and services that call other services."""
    from nameko.exceptions import get_module_path, registry

    for module in EXCEPTION_MODULES:
        importlib.import_module(module)
    pending = [KluisError]
    while pending:
        cls = pending.pop()
        registry[get_module_path(cls)] = cls
        pending.extend(cls.__subclasses__())
