"""Request and response schemas (marshmallow), by resource. They validate requests and
generate the OpenAPI document. Requests reject unknown fields (marshmallow's default).
Import them from here: `from gateway.schemas import LoginBody`."""

from .account import *  # noqa: F401,F403
from .api_keys import *  # noqa: F401,F403
from .audit import *  # noqa: F401,F403
from .clients import *  # noqa: F401,F403
from .common import *  # noqa: F401,F403
from .devices import *  # noqa: F401,F403
from .documents import *  # noqa: F401,F403
from .dossiers import *  # noqa: F401,F403
from .messages import *  # noqa: F401,F403
from .offices import *  # noqa: F401,F403
from .privacy import *  # noqa: F401,F403
from .questionnaires import *  # noqa: F401,F403
from .signing import *  # noqa: F401,F403
from .tasks import *  # noqa: F401,F403
from .webhooks import *  # noqa: F401,F403
