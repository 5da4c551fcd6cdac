"""RPC with a deadline. nameko's RpcProxy waits forever; here every call has a
timeout, and its message expires at the same moment, so that a call whose caller
gave up is never executed later by a service that comes back."""
import eventlet
from nameko.exceptions import UnknownService
from nameko.rpc import RpcProxy, ServiceProxy

from .errors import KluisError


class ServiceUnavailable(KluisError):
    """details: {"service": name}"""
    code = "service_unavailable"


class ServiceTimeout(KluisError):
    """details: {"service": name}"""
    code = "service_timeout"


class TimedRpcProxy(RpcProxy):
    """`identity = TimedRpcProxy("identity", timeout=10)`; call `self.identity.method(...)`."""

    def __init__(self, target_service, timeout=10.0, **options):
        options.setdefault("expiration", timeout)
        super().__init__(target_service, **options)
        self.timeout = timeout

    def get_dependency(self, worker_ctx):
        return TimedServiceProxy(super().get_dependency(worker_ctx), self.target_service,
                                 self.timeout)


class TimedServiceProxy:
    def __init__(self, proxy, service_name, timeout):
        self._proxy = proxy
        self._service = service_name
        self._timeout = timeout

    def __getattr__(self, name):
        def call(*args, timeout=None, **kwargs):
            proxy = self._proxy
            if timeout is not None:  # the message must expire with this call's deadline
                proxy = ServiceProxy(proxy.worker_ctx, proxy.service_name,
                                     proxy.reply_listener,
                                     **{**proxy.options, "expiration": timeout})
            try:
                reply = getattr(proxy, name).call_async(*args, **kwargs)
            except UnknownService:
                raise ServiceUnavailable({"service": self._service})
            try:
                with eventlet.Timeout(timeout or self._timeout):
                    return reply.result()
            except eventlet.Timeout:
                raise ServiceTimeout({"service": self._service})

        return call
