"""RPC with a deadline. nameko's RpcProxy waits forever; here every call has a
timeout, and its message expires at the same moment, so that a call whose caller
gave up is never executed later by a service that comes back.

A service that calls another on its own behalf (after it checked the caller itself)
uses `as_service=True`: the call then carries the calling service as its principal
(kind "service", signed with the calling service's own key) instead of the end user's,
and the callee can insist on which service it is (`caller.require_service`)."""
import time

import eventlet
from nameko.exceptions import UnknownService
from nameko.rpc import RpcProxy, ServiceProxy

from .context import CONTEXT_KEY, DEFAULT_TTL_S, Principal, sign
from .errors import KluisError, register_remote_errors


class ServiceUnavailable(KluisError):
    """details: {"service": name}"""
    code = "service_unavailable"


class ServiceTimeout(KluisError):
    """details: {"service": name}"""
    code = "service_timeout"


class TimedRpcProxy(RpcProxy):
    """`identity = TimedRpcProxy("identity", timeout=10)`; call `self.identity.method(...)`."""

    def __init__(self, target_service, timeout=10.0, as_service=False, **options):
        options.setdefault("expiration", timeout)
        super().__init__(target_service, **options)
        self.timeout = timeout
        self.as_service = as_service

    def setup(self):
        super().setup()
        register_remote_errors()  # errors of the callee come back as their own classes

    def get_dependency(self, worker_ctx):
        if self.as_service:
            worker_ctx = _AsService(worker_ctx, self.container.service_name)
        return TimedServiceProxy(super().get_dependency(worker_ctx), self.target_service,
                                 self.timeout)


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
            principal = sign(Principal(account_id=service_name, kind="service"),
                             service_name, DEFAULT_TTL_S)
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
