"""RPC with a deadline. nameko's RpcProxy waits forever; here every call has a
timeout, and its message expires at the same moment, so that a call whose caller
gave up is never executed later by a service that comes back. Calls and answers are
transient messages (a call is worth nothing after its deadline, an answer nothing
without its waiting caller; persisting them was more than half of the broker's work per
request), and an answer is sent without a publisher confirm (`KluisRpc` in
rpc_entrypoint.py, the entrypoint behind services.common.service.rpc). Events and commands keep their persistence
(outbox).

A service that calls another on its own behalf (after it checked the caller itself)
uses `as_service=True`: the call then carries the calling service as its principal
(kind "service", signed with the calling service's own key) instead of the end user's,
and the callee can insist on which service it is (`caller.require_service`)."""

import time
import uuid
from contextlib import contextmanager

import eventlet
from amqp.exceptions import ChannelError
from nameko.amqp.publish import Publisher, UndeliverableMessage, get_producer
from nameko.constants import DEFAULT_TRANSPORT_OPTIONS, NON_PERSISTENT
from nameko.exceptions import UnknownService
from nameko.rpc import (
    MethodProxy,
    ReplyListener,
    RpcProxy,
    RpcReply,
    ServiceProxy,
    get_rpc_exchange,
)

from .context import CONTEXT_KEY, DEFAULT_TTL_S, Principal, sign
from .errors import KluisError, register_remote_errors


class ServiceUnavailable(KluisError):
    """details: {"service": name}"""

    code = "service_unavailable"


class ServiceTimeout(KluisError):
    """details: {"service": name}"""

    code = "service_timeout"


def reply_routing_key(service_name, queue_uuid):
    """The routing key of a caller's reply queue: named after the caller, one topic word
    (so that no `<service>.*` binding matches it). nameko's is the bare uuid; naming the
    caller lets the broker accounts' topic permissions (deploy/broker_accounts.py) allow
    each part to bind its own reply queues only, never another's."""
    return f"reply-{service_name}-{queue_uuid}"


class _ReplyListener(ReplyListener):
    """nameko's ReplyListener, with the reply routing key of `reply_routing_key`, and a
    transient reply queue: nameko declares it durable, and a durable classic queue whose
    node is down cannot be declared again elsewhere (404 "home node ... is down"), so a
    caller whose node of a RabbitMQ cluster stopped could never call again until that
    node came back. A transient one goes with its node and is made anew on the node the
    caller fails over to (docs/operations.md, "RabbitMQ cluster"); a reply in flight was
    lost with the node either way, and its call times out."""

    def setup(self):
        super().setup()
        queue_uuid = self.queue.name.rsplit(f"{self.container.service_name}-", 1)[1]
        self.routing_key = reply_routing_key(self.container.service_name, queue_uuid)
        self.queue.routing_key = self.routing_key
        self.queue.durable = False

    def forget(self, correlation_id):
        """A call that will never be answered (not sent, or its caller gave up): its
        reply event goes (nameko's stays in `_reply_events` for ever)."""
        self._reply_events.pop(correlation_id, None)


class TimedRpcProxy(RpcProxy):
    """`identity = TimedRpcProxy("identity", timeout=10)`; call `self.identity.method(...)`."""

    rpc_reply_listener = _ReplyListener()

    def __init__(self, target_service, timeout=10.0, as_service=False, **options):
        options.setdefault("expiration", timeout)
        options.setdefault("delivery_mode", NON_PERSISTENT)
        super().__init__(target_service, **options)
        self.timeout = timeout
        self.as_service = as_service

    def setup(self):
        super().setup()
        register_remote_errors()  # errors of the callee come back as their own classes

    def get_dependency(self, worker_ctx):
        if self.as_service:
            worker_ctx = _AsService(worker_ctx, self.container.service_name)
        return TimedServiceProxy(
            _ServiceProxy(worker_ctx, self.target_service, self.rpc_reply_listener, **self.options),
            self.target_service,
            self.timeout,
        )


class _CallPublisher(Publisher):
    """Publishes a call as nameko's does (confirmed, mandatory: a call to a service with
    no queue raises UndeliverableMessage, then UnknownService), but hears the broker's
    "no route" on the channel instead of letting it raise mid-publish. nameko's way
    broke the publish off before the broker's confirm arrived and closed the channel,
    and py-amqp then warned "Received method (60, 80) during closing channel" for each
    call to a service not (yet) running: at every start, while the gateway's health
    check asked services still starting."""

    def publish(self, payload, **kwargs):
        publish_kwargs = {**self.publish_kwargs, **kwargs}
        headers = {**publish_kwargs.pop("headers", {}), **publish_kwargs.pop("extra_headers", {})}
        transport_options = {**DEFAULT_TRANSPORT_OPTIONS, "confirm_publish": True}
        with get_producer(
            self.amqp_uri, True, self.ssl, self.login_method, transport_options
        ) as producer:
            with _returns_heard(producer.channel) as returned:
                try:
                    producer.publish(
                        payload,
                        headers=headers,
                        delivery_mode=self.delivery_mode,
                        priority=self.priority,
                        expiration=self.expiration,
                        compression=self.compression,
                        declare=list(self.declare),
                        retry=self.retry,
                        retry_policy=self.retry_policy,
                        serializer=self.serializer,
                        **publish_kwargs,
                    )
                except ChannelError as exc:  # a channel without our handler (a reconnect)
                    if "NO_ROUTE" in str(exc):
                        raise UndeliverableMessage()
                    raise
            if returned:  # the broker sends the return before its confirm
                raise UndeliverableMessage()


@contextmanager
def _returns_heard(channel):
    """-> (in a with block) the list of the broker's returns ("no route") heard on
    `channel`. Only for this publish (the connection is this call's until the producer's
    `with` ends): left on the pooled channel it would also swallow the "no route" of
    other publishers' mandatory messages (the outbox's commands)."""
    returned = []

    def heard(exc, *_):
        returned.append(exc)

    channel.events["basic_return"].add(heard)
    try:
        yield returned
    finally:
        channel.events["basic_return"].discard(heard)


class _RpcReply(RpcReply):
    def __init__(self, reply_event, reply_listener, correlation_id):
        super().__init__(reply_event)
        self._forget = lambda: reply_listener.forget(correlation_id)

    def forget(self):
        """The caller gives up waiting: a late answer is dropped as unknown."""
        self._forget()


class _MethodProxy(MethodProxy):
    publisher_cls = _CallPublisher

    def _call(self, *args, **kwargs):
        """As nameko's, but a call that could not be sent leaves no reply event behind,
        and its reply can be forgotten (`_RpcReply.forget`)."""
        correlation_id = str(uuid.uuid4())
        reply_event = self.reply_listener.get_reply_event(correlation_id)
        try:
            self.publisher.publish(
                {"args": args, "kwargs": kwargs},
                exchange=get_rpc_exchange(self.container.config),
                routing_key=f"{self.service_name}.{self.method_name}",
                mandatory=True,
                reply_to=self.reply_listener.routing_key,
                correlation_id=correlation_id,
                extra_headers=self.get_message_headers(self.worker_ctx),
            )
        except BaseException as exc:
            self.reply_listener.forget(correlation_id)
            if isinstance(exc, UndeliverableMessage):
                raise UnknownService(self.service_name)
            raise
        return _RpcReply(reply_event, self.reply_listener, correlation_id)


class _ServiceProxy(ServiceProxy):
    def __getattr__(self, name):
        return _MethodProxy(
            self.worker_ctx, self.service_name, name, self.reply_listener, **self.options
        )


class _AsService:
    """The worker's context, but with the calling service as the principal."""

    _signed = {}  # service name -> its signed principal, renewed at half its life

    def __init__(self, worker_ctx, service_name):
        self._worker_ctx = worker_ctx
        self._principal = self.signed_principal(service_name)

    @classmethod
    def signed_principal(cls, service_name):
        principal = cls._signed.get(service_name)
        if principal is None or principal.expires_at - time.time() < DEFAULT_TTL_S / 2:
            principal = sign(
                Principal(account_id=service_name, kind="service"), service_name, DEFAULT_TTL_S
            )
            cls._signed[service_name] = principal
        return principal.signed

    def __getattr__(self, name):
        return getattr(self._worker_ctx, name)

    @property
    def context_data(self):
        return {**self._worker_ctx.context_data, CONTEXT_KEY: self._principal}


class TimedServiceProxy:
    def __init__(self, proxy, service_name, timeout):
        self._proxy = proxy
        self._service = service_name
        self._timeout = timeout

    def __getattr__(self, name):
        def call(*args, timeout=None, **kwargs):
            proxy = self._proxy
            if timeout is not None:  # the message must expire with this call's deadline
                proxy = _ServiceProxy(
                    proxy.worker_ctx,
                    proxy.service_name,
                    proxy.reply_listener,
                    **{**proxy.options, "expiration": timeout},
                )
            try:
                reply = getattr(proxy, name).call_async(*args, **kwargs)
            except UnknownService:
                raise ServiceUnavailable({"service": self._service})
            try:
                with eventlet.Timeout(timeout or self._timeout):
                    return reply.result()
            except eventlet.Timeout:
                reply.forget()
                raise ServiceTimeout({"service": self._service})

        return call
