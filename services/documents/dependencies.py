"""The blob store (sealing + folder or S3 backend), the optional virus scanner and the
upload limit, built once per service from its configuration."""

from nameko.extensions import DependencyProvider

from services.common.settings import kluis_var

from .scanning import scanner_from_config
from .storage import blob_store_from_config

DEFAULT_MAX_UPLOAD_BYTES = 50 * 1024 * 1024


class BlobParts:
    def __init__(self, store, scanner, max_upload_bytes):
        self.store = store
        self.scanner = scanner
        self.max_upload_bytes = max_upload_bytes


class Blobs(DependencyProvider):
    def setup(self):
        config = self.container.config
        self.parts = BlobParts(
            blob_store_from_config(config, kluis_var()),
            scanner_from_config(config.get("CLAMD_ADDRESS") or None),
            int(config.get("MAX_UPLOAD_BYTES") or DEFAULT_MAX_UPLOAD_BYTES),
        )

    def get_dependency(self, worker_ctx):
        return self.parts
