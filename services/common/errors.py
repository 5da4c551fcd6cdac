"""The error base every service raises across the bus.

An error crosses RPC as (module path, class name, args). The gateway registers every
subclass of `KluisError` it knows (see `gateway/errors.py`), so a remote error comes
back as its own class, with the same `code` and `details`; the gateway then decides
the HTTP status and the text in the caller's language. Subclasses accept `*args`
(nameko rebuilds them from args alone): `(details: dict | None, message: str | None)`.
"""


class KluisError(Exception):
    code = "error"

    def __init__(self, *args):
        super().__init__(*args)
        self.details = args[0] if args and isinstance(args[0], dict) else {}

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


class Conflict(KluisError):
    code = "conflict"
