"""dossier's settings, read once (services/common/settings.py): from its config.yaml,
where each key names the environment variable that sets it."""

from dataclasses import dataclass

from services.common.settings import env_int, setting

# How often the backfill of documents' facts looks whether it has work (documents may
# start after dossier); once it is done, each round is one read of `backfills`. A timer's
# interval is fixed when the service class is made, so this one is read at import.
BACKFILL_INTERVAL_S = env_int("DOSSIER_BACKFILL_INTERVAL_S", 10)
# How often what has come due after the retention period is erased (retention.py).
ERASURE_INTERVAL_S = env_int("ERASURE_INTERVAL_S", 3600)
# Wwft art. 33: five years after the relationship ended (and a day for each leap year).
DEFAULT_RETENTION_S = (5 * 365 + 2) * 24 * 3600


@dataclass(frozen=True)
class DossierSettings:
    public_url: str = setting(
        "KLUIS_PUBLIC_URL", "http://localhost:8000", "the portal's address, for links in e-mails"
    )
    # The budget of one questionnaire's PDF (questionnaire_rendering.py)
    pdf_max_pages: int = setting("QUESTIONNAIRE_PDF_MAX_PAGES", 1000)
    pdf_timeout_s: float = setting("QUESTIONNAIRE_PDF_TIMEOUT_S", 40.0, "wall-clock; then killed")
    pdf_memory_mb: int = setting("QUESTIONNAIRE_PDF_MEMORY_MB", 512)
    pdf_concurrency: int = setting("QUESTIONNAIRE_PDF_CONCURRENCY", 2, "renders at once")
    # How long identification and due diligence are kept after the relationship ended
    retention_s: int = setting("RETENTION_S", DEFAULT_RETENTION_S, "seconds")

    def __post_init__(self):
        object.__setattr__(self, "public_url", self.public_url.rstrip("/"))
