"""What each worker of a service tells the operator: its request id on every log line
(services/common/logs.py), its RPC call in the metrics (services/common/metrics.py), and
at DEBUG one line per worker with its time. Declared once in ServiceBase and on the
gateway; it also serves the part's `/metrics` and `/ready` when METRICS_ADDRESS is set.

The request id arrives in the worker's context data (`REQUEST_ID_KEY`: the gateway puts
it there, nameko carries the context on to every RPC call and event the worker makes),
so a service that calls another passes it on without doing anything."""

import logging
import time

from nameko.extensions import DependencyProvider
from nameko.messaging import QueueConsumer
from nameko.rpc import Rpc

from .logs import REQUEST_ID_KEY, set_request_id
from .metrics import MetricsServer, observe_rpc

log = logging.getLogger(__name__)


def consuming(container):
    """Whether `container` takes messages now: it has a queue consumer (its RPC and event
    handlers share one), that consumer has started, and the channel its consumers were
    made on is open on a connected socket. False before the start, while the broker is
    out of reach (nameko reconnects; its consumers are then on a dead channel), and
    from the stop on. The readiness of deploy/k8s (GET /ready)."""
    queue_consumers = [e for e in container.extensions if isinstance(e, QueueConsumer)]
    return bool(queue_consumers) and all(_consuming(q) for q in queue_consumers)


def _consuming(queue_consumer):
    if queue_consumer.should_stop or not queue_consumer._consumers_ready.ready():
        return False
    channels = {consumer.channel for consumer in list(queue_consumer._consumers.values())}
    return bool(channels) and all(
        channel.is_open and channel.connection is not None and channel.connection.connected
        for channel in channels
    )


class Telemetry(DependencyProvider):
    """`telemetry = Telemetry()`: the worker's request id (or None) as the dependency."""

    server = None

    def setup(self):
        address = self.container.config.get("METRICS_ADDRESS")
        if address:
            self.server = MetricsServer(address, lambda: consuming(self.container))

    def start(self):
        if self.server:
            self.server.start(self.container.spawn_managed_thread)

    def stop(self):
        if self.server:
            self.server.stop()

    kill = stop  # a killed container's listener closes too

    def get_dependency(self, worker_ctx):
        # Injection is the first thing a worker does, in its own green thread: from
        # here on its log lines carry the id (a new green thread starts without one).
        request_id = worker_ctx.data.get(REQUEST_ID_KEY)
        set_request_id(request_id)
        worker_ctx.started_at = time.perf_counter()
        return request_id

    def worker_result(self, worker_ctx, result=None, exc_info=None):
        entrypoint = worker_ctx.entrypoint
        seconds = time.perf_counter() - getattr(worker_ctx, "started_at", time.perf_counter())
        if isinstance(entrypoint, Rpc):
            outcome = (
                "ok"
                if exc_info is None
                else "refused"
                if isinstance(exc_info[1], entrypoint.expected_exceptions)
                else "error"
            )
            observe_rpc(self.container.service_name, entrypoint.method_name, outcome, seconds)
        if log.isEnabledFor(logging.DEBUG):
            log.debug(
                "%s.%s took %.1f ms%s",
                self.container.service_name,
                entrypoint.method_name,
                seconds * 1000,
                f" ({exc_info[0].__name__})" if exc_info else "",
            )

    def worker_teardown(self, worker_ctx):
        set_request_id(None)
