"""Request and response schemas (marshmallow), by resource. They validate requests and
generate the OpenAPI document. Requests reject unknown fields (marshmallow's default).
Import them from here: `from gateway.schemas import LoginBody`."""

from .common import *  # noqa: F401,F403
from .people import *  # noqa: F401,F403
from .work import *  # noqa: F401,F403
