"""The answering side of RPC: `KluisRpc`, nameko's @rpc entrypoint (behind
services.common.service.rpc), whose answers are transient and sent without a publisher
confirm; the calling side, with its deadlines, is rpc.py."""

import inspect
import sys

import kombu.serialization
from nameko.amqp.publish import Publisher
from nameko.constants import (
    AMQP_SSL_CONFIG_KEY,
    AMQP_URI_CONFIG_KEY,
    DEFAULT_SERIALIZER,
    DEFAULT_TRANSPORT_OPTIONS,
    LOGIN_METHOD_CONFIG_KEY,
    NON_PERSISTENT,
    SERIALIZER_CONFIG_KEY,
)
from nameko.exceptions import IncorrectSignature, UnserializableValueError, serialize
from nameko.rpc import Responder, Rpc, RpcConsumer, get_rpc_exchange


class _ReplyPublisher(Publisher):
    """An answer is published transient and without a publisher confirm: it goes to the
    caller's own reply queue, which does not outlive the caller, and the caller's wait
    for it is the only confirmation that counts (a lost answer is a timeout for the
    caller, confirmed or not). Saves the broker a round trip per call."""

    use_confirms = False
    delivery_mode = NON_PERSISTENT

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A dict of its own: nameko's is one dict for every Publisher, written on each
        # publish and read by a pooled connection when it (re)connects; an answer's
        # False there would turn confirms off for the outbox and for calls.
        self.transport_options = {**DEFAULT_TRANSPORT_OPTIONS, "confirm_publish": False}


class _Responder(Responder):
    """nameko's Responder, but the answer is serialized once (nameko's serializes it
    twice: once to check that it can, once to send it)."""

    publisher_cls = _ReplyPublisher

    def send_response(self, result, exc_info):
        serializer = kombu.serialization.registry.type_to_name[
            self.message.properties["content_type"]
        ]
        error = serialize(exc_info[1]) if exc_info is not None else None
        try:
            content_type, encoding, body = kombu.serialization.dumps(
                {"result": result, "error": error}, serializer
            )
        except Exception:  # as nameko: an answer that cannot be sent is an error answer
            exc_info = sys.exc_info()
            result, error = None, serialize(UnserializableValueError(result))
            content_type, encoding, body = kombu.serialization.dumps(
                {"result": None, "error": error}, serializer
            )
        self.publisher_cls(self.amqp_uri, ssl=self.ssl, login_method=self.login_method).publish(
            body,
            content_type=content_type,
            content_encoding=encoding,
            exchange=self.exchange,
            routing_key=self.message.properties["reply_to"],
            correlation_id=self.message.properties.get("correlation_id"),
        )
        return result, exc_info


class _RpcConsumer(RpcConsumer):
    """Answers through `_Responder`. Shared under nameko's own key, so that a service
    that also has an entrypoint of nameko's @rpc still has one consumer on its queue
    (two would each take messages the other's methods should answer)."""

    @property
    def sharing_key(self):
        return RpcConsumer

    def handle_result(self, message, result, exc_info):
        config = self.container.config
        responder = _Responder(
            config[AMQP_URI_CONFIG_KEY],
            get_rpc_exchange(config),
            config.get(SERIALIZER_CONFIG_KEY, DEFAULT_SERIALIZER),
            message,
            ssl=config.get(AMQP_SSL_CONFIG_KEY),
            login_method=config.get(LOGIN_METHOD_CONFIG_KEY),
        )
        result, exc_info = responder.send_response(result, exc_info)
        self.queue_consumer.ack_message(message)
        return result, exc_info


class KluisRpc(Rpc):
    """nameko's @rpc entrypoint, answering through `_ReplyPublisher`."""

    rpc_consumer = _RpcConsumer()
    _signature = None

    def check_signature(self, args, kwargs):
        """As nameko's (IncorrectSignature for arguments the method does not take), with
        the method's signature read once: nameko reads it again on every call."""
        if self._signature is None:
            self._signature = inspect.signature(
                getattr(self.container.service_cls, self.method_name)
            )
        try:
            self._signature.bind(None, *args, **kwargs)
        except TypeError as exc:
            raise IncorrectSignature(str(exc)) from None
