"""The providers notify sends through, chosen by configuration."""

from nameko.extensions import DependencyProvider

from services.common.settings import kluis_var

from .delivery import MessageBirdSms, SmsOutboxFile, SmtpEmail, TwilioSms


class Providers:
    def __init__(self, email, sms):
        self.email = email
        self.sms = sms


class ProvidersProvider(DependencyProvider):
    def setup(self):
        config = self.container.config
        email = SmtpEmail(
            host=config.get("SMTP_HOST") or "127.0.0.1",
            port=config.get("SMTP_PORT") or 8025,
            sender=config.get("MAIL_FROM") or "Kluis <no-reply@kluis.local>",
            starttls=str(config.get("SMTP_STARTTLS")).lower() in ("1", "true", "yes"),
            user=config.get("SMTP_USER"),
            password=config.get("SMTP_PASSWORD"),
            ca_file=config.get("SMTP_CA_FILE") or None,
        )
        self.providers = Providers(email, sms_provider(config))

    def get_dependency(self, worker_ctx):
        return self.providers


def sms_provider(config):
    """SMS_PROVIDER_URL unset: the outbox file; set: that provider's REST API
    (SMS_PROVIDER twilio, the default, or messagebird)."""
    url = config.get("SMS_PROVIDER_URL")
    if not url:
        return SmsOutboxFile(kluis_var() / "sms.jsonl")
    sender = config.get("SMS_SENDER") or "Kluis"
    provider = (config.get("SMS_PROVIDER") or "twilio").lower()
    if provider == "messagebird":
        return MessageBirdSms(url, config.get("SMS_PROVIDER_KEY") or "", sender)
    if provider == "twilio":
        return TwilioSms(
            url, config.get("SMS_PROVIDER_USER") or "", config.get("SMS_PROVIDER_KEY") or "", sender
        )
    raise ValueError(f"SMS_PROVIDER must be twilio or messagebird, not {provider!r}")
