"""dossier's settings, read once (services/common/settings.py): from its config.yaml,
where each key names the environment variable that sets it."""

from dataclasses import dataclass

from services.common.settings import env_int, setting

# How often the backfill of documents' facts looks whether it has work (documents may
# start after dossier); once it is done, each round is one read of `backfills`. A timer's
# interval is fixed when the service class is made, so this one is read at import.
BACKFILL_INTERVAL_S = env_int("DOSSIER_BACKFILL_INTERVAL_S", 10)


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

    def __post_init__(self):
        object.__setattr__(self, "public_url", self.public_url.rstrip("/"))
