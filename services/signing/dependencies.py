"""The platform's signing identity, loaded (or made) once per process."""

from nameko.extensions import DependencyProvider

from services.common.settings import kluis_var, read_settings

from .platform_key import load_or_create
from .settings import SigningSettings


class PlatformKey(DependencyProvider):
    """SIGNING_KEY_FILE / SIGNING_CERT_FILE / SIGNING_CHAIN_FILE, else one made on first
    start under $KLUIS_VAR/keys (platform_key.py)."""

    def setup(self):
        settings = read_settings(SigningSettings, self.container.config)
        self.identity = load_or_create(
            kluis_var(), settings.key_file, settings.cert_file, settings.chain_file
        )

    def get_dependency(self, worker_ctx):
        return self.identity
