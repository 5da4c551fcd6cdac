"""documents's entrypoints for a client's export of their own data (AVG art. 15 and
20; exports.py, export_build.py). Mixed into DocumentsService.

documents owns the export: it is a file like the others (sealed in the blob store, its
bytes fetched with a one-time ticket), and the files in it are documents's. The data
beside them comes from the services that own it, each applying its own rules
(export_records.py)."""

from nameko.extensions import DependencyProvider
from nameko.timer import timer

from services.common.rpc import TimedRpcProxy
from services.common.service import rpc

from . import export_build, exports
from .settings import EXPORT_POLL_S

EXPORTS_PER_ROUND = 10


class WorkerContext(DependencyProvider):
    def get_dependency(self, worker_ctx):
        return worker_ctx


class ExportEntrypoints:
    worker_ctx = WorkerContext()  # an export's calls carry its client's principal
    identity = TimedRpcProxy("identity", timeout=10)  # as the worker's principal
    identity_signer = TimedRpcProxy("identity", timeout=10, as_service=True)
    signing = TimedRpcProxy("signing", timeout=30)

    @property
    def export_policy(self):
        return exports.ExportPolicy.from_settings(self.settings)

    @rpc
    def request_my_export(self):
        """The client themself: an export of their data, prepared in the background.
        -> {status, requested_at, expires_at}; the one being prepared if there is one.
        ExportTooSoon (rate_limited) within EXPORT_MIN_INTERVAL_S of the last;
        ReadOnlySession for a look-along session."""
        principal = exports.require_the_client(self.caller)
        with self.store.unit_of_work() as uow:
            return exports.request(uow, self.export_policy, principal)

    @rpc
    def describe_my_export(self):
        """The client themself: their latest export's {status, requested_at,
        expires_at}; NotFound when there is none."""
        principal = exports.require_the_client(self.caller)
        with self.store.unit_of_work() as uow:
            return exports.status(uow, principal)

    @rpc
    def open_my_export_download(self):
        """The client themself, once: -> {ticket, name, size, content_type, sha256} for
        the blob endpoint; the export is `downloaded` from now on. NotFound when none is
        ready; ExportGone when downloaded or expired. Event export_downloaded."""
        principal = exports.require_the_client(self.caller)
        with self.store.unit_of_work() as uow:
            return exports.open_download(uow, principal)

    @timer(interval=EXPORT_POLL_S)
    def prepare_exports(self):
        """Prepares what was asked for, then removes the files whose time is over; one
        instance at a time (a lease), each export guarded by its status."""
        with self.store.lease("prepare_exports") as held:
            if not held:
                return
            public_url = self.settings.public_url
            for export_id, account_id in export_build.preparing(self.store, EXPORTS_PER_ROUND):
                export_build.prepare(self, export_id, account_id, self.export_policy, public_url)
            export_build.remove_done(self.store, self.blobs.store)
