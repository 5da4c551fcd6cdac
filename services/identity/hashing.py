"""Where argon2 runs: a few OS threads, so that sign-ins cannot starve token checks.

Every sign-in hashes a password (argon2id: ~0.16 s, with its four lanes on several
cores, and 64 MiB). identity's worker pool (`max_workers`) also answers every token
check of every request, so a flood of sign-ins waiting for hashes would leave none for
them. Hashing therefore runs in eventlet's tpool, sized to the cores (argon2-cffi
releases the GIL while it hashes: checked, the Python thread keeps running meanwhile),
at a lower CPU priority (nice +10, inherited by argon2's own lane threads) so that the
service's own thread keeps answering; and at most `waiting` more sign-ins wait for a
thread: beyond that the caller is told to come back (RateLimited, 1 s) at once instead
of holding a worker. (The password is checked outside any transaction: password_login.login.)"""

import os
import threading

from eventlet import semaphore, tpool
from nameko.extensions import DependencyProvider

from services.common.settings import read_settings

from . import domain
from .exceptions import RateLimited
from .settings import IdentitySettings

NICE = 10


class HashPool:
    def __init__(self, threads, waiting):
        tpool.set_num_threads(threads)
        self.threads = threads
        self._slots = semaphore.Semaphore(threads + waiting)

    def __call__(self, function, *args):
        if not self._slots.acquire(blocking=False):
            raise RateLimited({"retry_after_s": 1})
        try:
            return tpool.execute(_yielding, function, *args)
        finally:
            self._slots.release()


def _yielding(function, *args):
    """In the pool's OS thread: at nice +10 (it may only go lower, so once is enough)."""
    try:
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), NICE)
    except OSError:
        pass  # not Linux, or not allowed: the pool still bounds the work
    return function(*args)


class Hashing(DependencyProvider):
    """Declared on the service: at start, points domain's hashing at a HashPool sized by
    HASH_THREADS (default: the number of cores) and HASH_WAITING (default 4)."""

    def setup(self):
        settings = read_settings(IdentitySettings, self.container.config)
        threads = settings.hash_threads or os.cpu_count() or 1
        domain.offload = HashPool(threads, settings.hash_waiting)
