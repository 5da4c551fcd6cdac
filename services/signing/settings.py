"""signing's settings, read once from its config.yaml (each `${ENV:default}` there names
the environment variable) by services/common/settings.py: `Settings(SigningSettings)`
and `Settings(VerifyBudget)` in the service."""

from dataclasses import dataclass
from datetime import timedelta

from services.common.limits import Limit
from services.common.settings import env_int, setting

from .verification import PER_ADDRESS

# Known at import: nameko's @timer takes its interval when the class is made.
CHECK_INTERVAL_S = env_int("SIGNING_CHECK_INTERVAL_S", 30)  # expiry and reminders
# The backfill that seals rows written before sealing (field_backfill.py); once it is
# done, each round is one read of `field_backfill`.
BACKFILL_INTERVAL_S = env_int("SIGNING_BACKFILL_INTERVAL_S", 10)


@dataclass(frozen=True)
class SigningSettings:
    public_url: str = setting("KLUIS_PUBLIC_URL", "", "the portal, in e-mails (no trailing /)")
    request_ttl_s: float = setting("SIGNING_REQUEST_TTL_S", 14 * 86400, "a request's life")
    reminder_before_s: float = setting(
        "SIGNING_REMINDER_BEFORE_S", 3 * 86400, "one reminder this long before it expires"
    )
    key_file: str | None = setting("SIGNING_KEY_FILE", None, "PEM; None: made on first start")
    cert_file: str | None = setting("SIGNING_CERT_FILE", None)
    chain_file: str | None = setting("SIGNING_CHAIN_FILE", None)
    verify_rate_burst: int = setting("VERIFY_RATE_BURST", PER_ADDRESS.burst, "checks per address")
    verify_rate_per_s: float = setting("VERIFY_RATE_PER_S", PER_ADDRESS.per_s, "... per seconds")

    def __post_init__(self) -> None:
        object.__setattr__(self, "public_url", self.public_url.rstrip("/"))

    @property
    def request_ttl(self) -> timedelta:
        return timedelta(seconds=self.request_ttl_s)

    @property
    def reminder_before(self) -> timedelta:
        return timedelta(seconds=self.reminder_before_s)

    @property
    def verify_rate(self) -> Limit:
        """Checks of signed PDFs per source address (verification.begin)."""
        return PER_ADDRESS.scaled(self.verify_rate_burst, self.verify_rate_per_s)


@dataclass(frozen=True)
class VerifyBudget:
    """What one check of a signed PDF may take (verification.receive)."""

    max_bytes: int = setting("VERIFY_MAX_BYTES", 25 * 1024 * 1024)
    max_fields: int = setting("VERIFY_MAX_FIELDS", 50, "signature fields in one file")
    max_objects: int = setting("VERIFY_MAX_OBJECTS", 100_000, "PDF objects in one file")
    timeout_s: float = setting("VERIFY_TIMEOUT_S", 20.0, "wall-clock; killed after")
    memory_mb: int = setting("VERIFY_MEMORY_MB", 1024, "the checking process's memory")
    concurrency: int = setting("VERIFY_CONCURRENCY", 2, "checks at once per process")
