"""What anyone may do here without signing in, how often, and the sweep of what they
leave behind. Starting a registration or a PC sign-in writes a row for an anonymous
caller, so both are limited per source address, and rows that were never finished go
once their lifetime is over.

The limits are token buckets (services/common/limits.py), one `Limit` each, whose
`burst` comes from the configuration (settings.py: IdentitySettings.limit)."""

from datetime import timedelta

from sqlalchemy import delete

from services.common.db import utcnow
from services.common.limits import Limit

from .exceptions import RateLimited
from .models import AppLogin, DeviceChallenge, Registration, StaffLink, buckets

# Defaults; the configuration may change each `burst` (key: the config name).
LIMITS = {
    # registrations started per source address: 20 an hour
    "REGISTRATIONS_PER_ADDRESS": Limit("registration_address", burst=20, per_s=3600),
    # PC sign-ins started per source address: 30 per 5 minutes (an office behind one NAT)
    "APP_LOGINS_PER_ADDRESS": Limit("app_login_address", burst=30, per_s=300),
    # identification misses per source address: 10 an hour
    "IDENTIFY_MISSES_PER_HOUR": Limit("identify_miss_address", burst=10, per_s=3600),
    # identification misses per partner ID: 30 a minute. It only slows guessing down:
    # when empty, the wait is per_s / burst (2 s), never an hour, so nobody can lock an
    # office's registrations by missing on its partner ID.
    "IDENTIFY_MISSES_PER_PARTNER": Limit("identify_miss_partner", burst=30, per_s=60),
}
BUCKET_AGE = timedelta(hours=2)  # older than any window: such a bucket is full again


def take(store, limit_, key):
    """Count one for `key` in a transaction of its own (kept whatever the request that
    follows does); raises RateLimited with the wait when the bucket is empty (nothing
    is taken then)."""
    with store.unit_of_work() as uow:
        retry_after = buckets.take(uow.session, limit_, key)
        if retry_after:
            raise RateLimited({"retry_after_s": retry_after})


def refuse_when_empty(uow, *limits_and_keys):
    """Before an attempt that would count on a miss: refuse it while a bucket is empty."""
    for limit_, key in limits_and_keys:
        retry_after = buckets.peek(uow.session, limit_, key)
        if retry_after:
            raise RateLimited({"retry_after_s": retry_after})


def count_miss(uow, *limits_and_keys):
    for limit_, key in limits_and_keys:
        buckets.take(uow.session, limit_, key)


def sweep_once(store, registration_lifetime):
    """`sweep` in one instance at a time (the others skip this round)."""
    with store.lease("sweep") as held:
        if held:
            with store.unit_of_work() as uow:
                sweep(uow, registration_lifetime)


def sweep(uow, registration_lifetime):
    """Delete what anonymous callers left unfinished: registrations never completed
    within their lifetime, PC sign-ins and device challenges past their expiry,
    unconfirmed staff links past theirs, and rate buckets that are full again.
    -> {what: rows deleted}."""
    now = utcnow()
    session = uow.session
    return {
        "registrations": session.execute(
            delete(Registration).where(
                Registration.status != "completed",
                Registration.created_at < now - registration_lifetime,
            )
        ).rowcount,
        "app_logins": session.execute(delete(AppLogin).where(AppLogin.expires_at < now)).rowcount,
        "device_challenges": session.execute(
            delete(DeviceChallenge).where(DeviceChallenge.expires_at < now)
        ).rowcount,
        "staff_links": session.execute(
            delete(StaffLink).where(StaffLink.expires_at < now)
        ).rowcount,
        "rate_buckets": buckets.sweep(session, now - BUCKET_AGE),
    }
