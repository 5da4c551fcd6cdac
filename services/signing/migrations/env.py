from services.common.migrate import run_env
from services.signing.models import metadata

run_env(metadata)
