"""The permissions of each part's broker account (deploy/broker_accounts.py sets them):
least privilege, derived from the service classes as the queue declaration is.

What each part may do (RabbitMQ checks configure for declare and delete, write on the
queue and read on the exchange for a bind, write on the exchange for a publish, read on
the queue for consume and get):
- its own queues, by exact name: `rpc-<service>` (its RPC), `evt-<source>-<event>--
  <service>.<method>` (its event handlers), `<service>.commands` (its commands), plus the
  patterns of what it creates at run time: `rpc.reply-<part>-<uuid>` (the answers to its
  calls) and, for the gateway, `evt-...--gateway.<method>-<hex>` (its broadcast queues):
  configure, write and read;
- the command queues it sends to (the outbox relay declares them, and binds them, so a
  command is kept even before its consumer ever ran): configure and write, never read;
- the exchanges: `nameko-rpc` (every part calls or answers, and binds its queues to it),
  its own `<part>.events` (it publishes its facts), the `<source>.events` of the events it
  handles (nameko declares them before binding), `kluis.commands` when it sends or
  receives commands.
Nothing else: the gateway has no queue of a service, and a service none of another's.
Topic permissions limit the routing keys: on `nameko-rpc` a part publishes only calls to
the services it calls (and a service its answers) and binds only its own RPC queue's key
and its own reply queues' keys (`reply-<part>-<uuid>`, services.common.rpc); on an event
exchange it binds only the event types it handles."""

import re

from services.common.settings import SERVICE_CLASSES

GATEWAY_CLASS = "gateway.service:GatewayService"
# Who sends commands to whom (`uow.send(target, ...)`, services.common.store): the relay
# declares and binds the target's queue before publishing. tests/unit checks it against
# the code.
COMMANDS_SENT = {
    "identity": ("notify",),
    "dossier": ("notify",),
    "signing": ("notify",),
    "documents": ("notify",),  # a client's export is ready
}
RPC_EXCHANGE = "nameko-rpc"
COMMAND_EXCHANGE = "kluis.commands"
UUID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"


def _load(part):
    import importlib

    module, _, cls = (SERVICE_CLASSES.get(part) or GATEWAY_CLASS).partition(":")
    return getattr(importlib.import_module(module), cls)


def _handled_events(service_cls):
    """-> {source service: {event types}} of the class's event handlers."""
    import inspect

    from nameko.events import EventHandler

    handled = {}
    for _name, method in inspect.getmembers(service_cls, inspect.isfunction):
        for entrypoint in getattr(method, "nameko_entrypoints", ()):
            if isinstance(entrypoint, EventHandler):
                handled.setdefault(entrypoint.source_service, set()).add(entrypoint.event_type)
    return handled


def _callees(service_cls):
    """The services the class calls over RPC (its RpcProxy dependencies)."""
    import inspect

    from nameko.rpc import RpcProxy

    return {
        proxy.target_service
        for _name, proxy in inspect.getmembers(service_cls, lambda v: isinstance(v, RpcProxy))
    }


def _alternatives(names, patterns=()):
    items = sorted({re.escape(name) for name in names}) + list(patterns)
    return "^(" + "|".join(items) + ")$" if items else "^$"


def permissions(part):
    """-> {"configure", "write", "read"}: the regexes that let `part` work, no more, and
    "topics": its topic permissions (the routing keys it may publish and bind with) on
    `nameko-rpc` and on the event exchanges it listens to."""
    service_cls = _load(part)
    handled = _handled_events(service_cls)
    return {
        **_resource_rules(part, service_cls, handled),
        "topics": _topic_rules(part, service_cls, handled),
    }


def _resource_rules(part, service_cls, handled):
    """-> {"configure", "write", "read"}: the part's queues and exchanges."""
    from services.common.topology import consumer_queues

    own = {queue.name for queue in consumer_queues(service_cls)}
    patterns = [re.escape(f"rpc.reply-{part}-") + UUID]
    if part in SERVICE_CLASSES:
        own.add(f"rpc-{part}")
    else:  # the gateway's broadcast handlers: exclusive queues named per instance
        patterns.append("evt-[a-z_]+-[a-z_]+--" + re.escape(f"{part}.") + "[a-z_]+-[0-9a-f]{32}")
    sent = {f"{target}.commands" for target in COMMANDS_SENT.get(part, ())}
    sources = {f"{source}.events" for source in handled}
    # kluis.commands is a direct exchange (no topic permissions): reading it would let a
    # part bind a queue of its own with another's key and copy its commands (login
    # codes, reset links). Only the receiver, which binds its own queue, reads it;
    # senders only publish to it (the set-up declared the queues; KLUIS_DECLARE_QUEUES=0).
    commands = {COMMAND_EXCHANGE} if f"{part}.commands" in own else set()
    published = {RPC_EXCHANGE} | ({f"{part}.events"} if part in SERVICE_CLASSES else set())
    return {
        "configure": _alternatives(own | published | sources | commands, patterns),
        "write": _alternatives(own | published | ({COMMAND_EXCHANGE} if sent else set()), patterns),
        "read": _alternatives(own | {RPC_EXCHANGE} | sources | commands, patterns),
    }


def _topic_rules(part, service_cls, handled):
    """On `nameko-rpc`: calls to the services it calls, answers to a caller's reply
    queue (a service); binds its RPC queue (`<service>.*`) and its own reply queues
    (services.common.rpc.reply_routing_key), never another's routing key. On each event
    exchange it listens to: binds the event types it handles, publishes nothing."""
    rpc = {
        "exchange": RPC_EXCHANGE,
        "write": _alternatives(
            (),
            [re.escape(f"{callee}.") + "[A-Za-z0-9_]+" for callee in sorted(_callees(service_cls))]
            + ([f"(reply-[a-z_]+-)?{UUID}"] if part in SERVICE_CLASSES else []),
        ),
        "read": _alternatives(
            {f"{part}.*"} if part in SERVICE_CLASSES else (),
            [re.escape(f"reply-{part}-") + UUID],
        ),
    }
    return [rpc] + [
        {"exchange": f"{source}.events", "write": "^$", "read": _alternatives(events)}
        for source, events in sorted(handled.items())
    ]
