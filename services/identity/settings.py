"""identity's settings, read once at start (services/common/settings.py): the keys of
config.yaml, which names the environment variable of each, with the same defaults."""

from dataclasses import dataclass
from datetime import timedelta
from functools import cached_property

from services.common.context import DEFAULT_TTL_S
from services.common.limits import Limit
from services.common.settings import env_int, setting

from . import domain, edge, guard

# The sweep's timer needs its interval when the service class is made (before config).
SWEEP_INTERVAL_S = env_int("IDENTITY_SWEEP_INTERVAL_S", 300)  # unfinished anonymous rows
SEAL_INTERVAL_S = env_int("IDENTITY_SEAL_INTERVAL_S", 60)  # accounts not sealed yet (backfill.py)


@dataclass(frozen=True)
class IdentitySettings:
    public_url: str = setting("KLUIS_PUBLIC_URL", "http://localhost:8000")
    session_idle_timeout_s: int = setting("SESSION_IDLE_TIMEOUT_S", 600)
    session_warning_s: int = setting("SESSION_WARNING_S", 120)
    activity_write_interval_s: float = setting("ACTIVITY_WRITE_INTERVAL_S", 30.0)
    principal_ttl_s: int = setting("PRINCIPAL_TTL_S", DEFAULT_TTL_S)
    # anonymous callers (edge.py): the bursts of its token buckets
    identify_misses_per_hour: int = setting(
        "IDENTIFY_MISSES_PER_HOUR", edge.LIMITS["IDENTIFY_MISSES_PER_HOUR"].burst
    )
    identify_misses_per_partner: int = setting(
        "IDENTIFY_MISSES_PER_PARTNER", edge.LIMITS["IDENTIFY_MISSES_PER_PARTNER"].burst
    )
    registrations_per_address: int = setting(
        "REGISTRATIONS_PER_ADDRESS", edge.LIMITS["REGISTRATIONS_PER_ADDRESS"].burst
    )
    app_logins_per_address: int = setting(
        "APP_LOGINS_PER_ADDRESS", edge.LIMITS["APP_LOGINS_PER_ADDRESS"].burst
    )
    registration_lifetime_s: int = setting("REGISTRATION_LIFETIME_S", 604800)
    app_login_validity_s: int = setting("APP_LOGIN_VALIDITY_S", 300)
    # guessing and texts (guard.py): the bursts of its token buckets
    login_misses_per_address: int = setting(
        "LOGIN_MISSES_PER_ADDRESS", guard.MISSES_PER_ADDRESS.burst
    )
    login_misses_per_account: int = setting(
        "LOGIN_MISSES_PER_ACCOUNT", guard.MISSES_PER_ACCOUNT.burst
    )
    login_lock_after: int = setting("LOGIN_LOCK_AFTER", guard.LOCK_COUNT.burst)
    second_step_lock_after: int = setting("SECOND_STEP_LOCK_AFTER", domain.LOCK_AFTER_FAILURES)
    sms_per_number: int = setting("SMS_PER_NUMBER", guard.SMS_PER_NUMBER.burst)
    sms_per_account: int = setting("SMS_PER_ACCOUNT", guard.SMS_PER_ACCOUNT.burst)
    sms_per_address: int = setting("SMS_PER_ADDRESS", guard.SMS_PER_ADDRESS.burst)
    # argon2 (hashing.py): None threads is the number of cores
    hash_threads: int | None = setting("HASH_THREADS", None)
    hash_waiting: int = setting("HASH_WAITING", 4)
    # the app's minimum versions, as text (17.10 is not 17.1); None: any
    min_ios_version: str | None = setting("MIN_IOS_VERSION", None)
    min_android_version: str | None = setting("MIN_ANDROID_VERSION", None)
    min_app_version: str | None = setting("MIN_APP_VERSION", None)

    @cached_property
    def portal_url(self) -> str:
        return self.public_url.rstrip("/")

    @cached_property
    def clock(self) -> domain.SessionClock:
        return domain.SessionClock(
            self.session_idle_timeout_s, self.session_warning_s, self.activity_write_interval_s
        )

    @cached_property
    def policy(self) -> guard.Policy:
        return guard.Policy(
            guard.MISSES_PER_ADDRESS.scaled(self.login_misses_per_address),
            guard.MISSES_PER_ACCOUNT.scaled(self.login_misses_per_account),
            guard.LOCK_COUNT.scaled(self.login_lock_after),
            guard.SMS_PER_NUMBER.scaled(self.sms_per_number),
            guard.SMS_PER_ACCOUNT.scaled(self.sms_per_account),
            guard.SMS_PER_ADDRESS.scaled(self.sms_per_address),
            self.second_step_lock_after,
        )

    def limit(self, name: str) -> Limit:
        """edge.LIMITS[name] (its key: the config name) with the configured burst."""
        burst = getattr(self, name.lower())
        return edge.LIMITS[name].scaled(burst=burst)

    @cached_property
    def minimum_versions(self) -> dict[str, str | None]:
        return {
            "ios": self.min_ios_version,
            "android": self.min_android_version,
            "app": self.min_app_version,
        }

    @property
    def registration_lifetime(self) -> timedelta:
        return timedelta(seconds=self.registration_lifetime_s)

    @property
    def app_login_validity(self) -> timedelta:
        return timedelta(seconds=self.app_login_validity_s)
