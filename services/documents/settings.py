"""documents's settings, read once from its config.yaml (each `${ENV:default}` there
names the environment variable) by services/common/settings.py. The blob store's own
(STORAGE_BACKEND, BLOB_DIR, S3_*, BLOB_KEYS: storage.py) and the HTTP server's
(web_server.py) are read where those are built."""

from dataclasses import dataclass

from services.common.settings import env_int, setting

# How often the export timer looks for work (export_entrypoints.py); a timer's interval is
# fixed when the service class is made, so this one is read at import.
EXPORT_POLL_S = env_int("EXPORT_POLL_S", 5)
# How often the backfill that seals rows written before sealing looks for work
# (field_backfill.py); once it is done, each round is one read of `field_backfill`.
BACKFILL_INTERVAL_S = env_int("DOCUMENTS_BACKFILL_INTERVAL_S", 10)


@dataclass(frozen=True)
class DocumentsSettings:
    max_upload_bytes: int = setting("MAX_UPLOAD_BYTES", 50 * 1024 * 1024, "one file at most")
    clamd_address: str | None = setting(
        "CLAMD_ADDRESS", None, "host:port or unix:/path; None: no scanning"
    )
    public_url: str = setting("KLUIS_PUBLIC_URL", "http://localhost:8000", "links in e-mails")
    # A client's export of their own data (exports.py)
    export_ttl_s: float = setting("EXPORT_TTL_S", 7 * 24 * 3600.0, "from ready to expired")
    export_min_interval_s: float = setting("EXPORT_MIN_INTERVAL_S", 3600.0, "per client")

    def __post_init__(self) -> None:
        object.__setattr__(self, "public_url", self.public_url.rstrip("/"))
