"""What every service answers besides its own work: health, and the operator's view
of parked messages (events or commands whose handler kept failing)."""

import os
import socket

from sqlalchemy import text

from .context import CallerProvider
from .errors import KluisError, NotFound
from .paging import Paging
from .rpc_entrypoint import KluisRpc
from .telemetry import Telemetry


def rpc(method):
    """nameko's @rpc for entrypoints that raise `KluisError`s as answers: those are
    expected (logged at WARNING, which the LOGGING config leaves out), not crashes."""
    return KluisRpc.decorator(expected_exceptions=KluisError)(method)


class ServiceBase:
    """Mix into a service class that declares `store = Store(...)`."""

    caller = CallerProvider()
    paging = Paging()  # the service's Pager: its lists, a page at a time (paging.py)
    telemetry = Telemetry()  # request ids on log lines (telemetry.py)

    @rpc
    def health(self):
        """-> {"status": "ok", "instance": "<host>:<pid>"} once the service answers and
        its database does; `instance` says which of several instances answered (the
        gateway's /health does not pass it on)."""
        with self.store.unit_of_work() as uow:
            uow.session.execute(text("SELECT 1"))
        return {"status": "ok", "instance": f"{socket.gethostname()}:{os.getpid()}"}

    @rpc
    def list_parked_messages(self, limit=50, cursor=None):
        """Admin only. -> {items: [{message_id, source, attempts, last_error,
        received_at}], next_cursor}: a page, oldest first. ValidationFailed: limit,
        cursor."""
        self.caller.require("admin")
        return self.store.parked_messages(self.paging, limit, cursor)

    @rpc
    def replay_parked_message(self, message_id):
        """Admin only. Puts a parked message back to be handled now. NotFound if not parked."""
        self.caller.require("admin")
        if not self.store.replay_parked(message_id):
            raise NotFound()
