from services.common.migrate import run_env
from services.dossier.models import metadata

run_env(metadata)
