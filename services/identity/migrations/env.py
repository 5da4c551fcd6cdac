from services.common.migrate import run_env
from services.identity.models import metadata

run_env(metadata)
