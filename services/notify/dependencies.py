"""The providers notify sends through, chosen by configuration."""
from nameko.extensions import DependencyProvider

from services.common.settings import kluis_var

from .delivery import SmsOutboxFile, SmtpEmail


class Providers:
    def __init__(self, email, sms):
        self.email = email
        self.sms = sms


class ProvidersProvider(DependencyProvider):
    def setup(self):
        config = self.container.config
        email = SmtpEmail(
            host=config.get("SMTP_HOST") or "127.0.0.1", port=config.get("SMTP_PORT") or 8025,
            sender=config.get("MAIL_FROM") or "Kluis <no-reply@kluis.local>",
            starttls=str(config.get("SMTP_STARTTLS")).lower() in ("1", "true", "yes"),
            user=config.get("SMTP_USER"), password=config.get("SMTP_PASSWORD"))
        sms = SmsOutboxFile(kluis_var() / "sms.jsonl")
        self.providers = Providers(email, sms)

    def get_dependency(self, worker_ctx):
        return self.providers
