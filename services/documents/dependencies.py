"""The blob store (sealing + folder or S3 backend), the optional virus scanner and the
upload limit, built once per service from its configuration."""

from nameko.extensions import DependencyProvider

from services.common.settings import kluis_var, read_settings

from .scanning import scanner_from_config
from .settings import DocumentsSettings
from .storage import blob_store_from_config


class BlobParts:
    def __init__(self, store, scanner, max_upload_bytes):
        self.store = store
        self.scanner = scanner
        self.max_upload_bytes = max_upload_bytes


class Blobs(DependencyProvider):
    def setup(self):
        config = self.container.config
        settings = read_settings(DocumentsSettings, config)
        self.parts = BlobParts(
            blob_store_from_config(config, kluis_var()),
            scanner_from_config(settings.clamd_address),
            settings.max_upload_bytes,
        )

    def get_dependency(self, worker_ctx):
        return self.parts
