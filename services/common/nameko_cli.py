"""`python -m services.common.nameko_cli run --config ... module:Class`: nameko's own
command line, without eventlet's start-up deprecation notice (a Warning, not a
DeprecationWarning, so PYTHONWARNINGS cannot name it without importing eventlet)."""
import warnings

warnings.filterwarnings("ignore", message=r"\s*Eventlet is deprecated")

from nameko.cli.main import main  # noqa: E402

if __name__ == "__main__":
    main()
