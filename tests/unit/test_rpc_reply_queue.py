"""services/common/rpc.py's reply queues: transient, so that a caller fails over to
another node of a RabbitMQ cluster (docs/operations.md "RabbitMQ cluster";
tests/e2e/test_cluster.py stops the node in a whole system)."""

from nameko.containers import ServiceContainer

from services.common.rpc import TimedRpcProxy, _ReplyListener


class Caller:
    name = "caller"
    identity = TimedRpcProxy("identity", timeout=10)


def test_a_reply_queue_is_transient_and_named_after_its_caller():
    container = ServiceContainer(Caller, {"AMQP_URI": "amqp://guest:guest@127.0.0.1:1/"})
    listener = next(e for e in container.extensions if isinstance(e, _ReplyListener))
    listener.setup()  # declares nothing: the queue is declared when the consumer starts
    assert listener.queue.name.startswith("rpc.reply-caller-")
    assert listener.queue.routing_key.startswith("reply-caller-")
    # A durable one could not be declared again while its node is down (404).
    assert listener.queue.durable is False
    assert listener.queue.auto_delete is False and "x-expires" in listener.queue.queue_arguments
