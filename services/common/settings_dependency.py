"""The `Settings` dependency: a service's typed settings (services/common/settings.py),
read once when the container starts. Apart from settings.py so that the processes that
only read settings (the liveness probe, migrations) do not import nameko."""

from nameko.extensions import DependencyProvider

from .settings import read_settings


class Settings(DependencyProvider):
    """`settings = Settings(IdentitySettings)`: the service's typed settings, read once."""

    def __init__(self, cls):
        self.cls = cls

    def setup(self):
        self.value = read_settings(self.cls, self.container.config)

    def get_dependency(self, worker_ctx):
        return self.value
