"""Every HTTP route, by resource. Importing this package registers them all."""
from . import admin, auth, me, system  # noqa: F401
