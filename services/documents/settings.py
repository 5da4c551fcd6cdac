"""documents's settings, read once from its config.yaml (each `${ENV:default}` there
names the environment variable) by services/common/settings.py. The blob store's own
(STORAGE_BACKEND, BLOB_DIR, S3_*, BLOB_KEYS: storage.py) and the HTTP server's
(web_server.py) are read where those are built."""

from dataclasses import dataclass

from services.common.settings import setting


@dataclass(frozen=True)
class DocumentsSettings:
    max_upload_bytes: int = setting("MAX_UPLOAD_BYTES", 50 * 1024 * 1024, "one file at most")
    clamd_address: str | None = setting(
        "CLAMD_ADDRESS", None, "host:port or unix:/path; None: no scanning"
    )
