"""The error base every service raises across the bus.

An error crosses RPC as (module path, class name, args). The gateway registers every
subclass of `KluisError` it knows (see `gateway/errors.py`), so a remote error comes
back as its own class, with the same `code` and `details`; the gateway then decides
the HTTP status and the text in the caller's language. Subclasses accept `*args`
(nameko rebuilds them from args alone): `(details: dict | None)`. The details travel
as JSON text, because nameko turns every other scalar into a string on the way.
"""
import json


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


class Unauthenticated(KluisError):
    code = "unauthenticated"


class ReadOnlySession(KluisError):
    code = "read_only_session"
