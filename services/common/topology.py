"""Declare, before any service publishes, every queue that a consumer will read: the
event handler queues of every service and the command queues. An event published to
an exchange with no queue bound is lost (docs/nameko.md); declaring them at deploy
time means a fact is kept even for a service that has not started yet.

`python -m services.common.topology` (run by `make run` and by the test harness)."""

import importlib
import inspect

from kombu import Connection, Queue
from nameko.events import SERVICE_POOL, EventHandler
from nameko.messaging import Consumer
from nameko.standalone.events import get_event_exchange

from .settings import SERVICE_CLASSES, amqp_uri


def load_service(name):
    module, _, cls = SERVICE_CLASSES[name].partition(":")
    return getattr(importlib.import_module(module), cls)


def consumer_queues(service_cls):
    """The durable queues a service consumes, declared exactly as nameko declares them."""
    for method_name, method in inspect.getmembers(service_cls, inspect.isfunction):
        for entrypoint in getattr(method, "nameko_entrypoints", ()):
            if isinstance(entrypoint, EventHandler):
                if entrypoint.handler_type is SERVICE_POOL and entrypoint.reliable_delivery:
                    yield Queue(
                        f"evt-{entrypoint.source_service}-{entrypoint.event_type}--"
                        f"{service_cls.name}.{method_name}",
                        exchange=get_event_exchange(entrypoint.source_service, {}),
                        routing_key=entrypoint.event_type,
                        durable=True,
                        auto_delete=False,
                        exclusive=False,
                    )
            elif isinstance(entrypoint, Consumer):
                yield entrypoint.queue


def declare_all(uri=None):
    queues = [q for name in SERVICE_CLASSES for q in consumer_queues(load_service(name))]
    with Connection(uri or amqp_uri()) as connection:
        channel = connection.channel()
        for queue in queues:
            queue(channel).declare()
    return [q.name for q in queues]


if __name__ == "__main__":
    print("declared:", ", ".join(declare_all()))
