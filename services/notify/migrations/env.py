from services.common.migrate import run_env
from services.notify.models import metadata

run_env(metadata)
