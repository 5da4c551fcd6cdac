"""The providers notify sends through, chosen by configuration."""

from nameko.extensions import DependencyProvider

from services.common.settings import kluis_var, read_settings

from .delivery import MessageBirdSms, SmsOutboxFile, SmtpEmail, TwilioSms
from .settings import NotifySettings


class Providers:
    def __init__(self, email, sms):
        self.email = email
        self.sms = sms


class ProvidersProvider(DependencyProvider):
    def setup(self):
        settings = read_settings(NotifySettings, self.container.config)
        email = SmtpEmail(
            host=settings.smtp_host,
            port=settings.smtp_port,
            sender=settings.mail_from,
            starttls=settings.smtp_starttls,
            user=settings.smtp_user,
            password=settings.smtp_password,
            ca_file=settings.smtp_ca_file,
        )
        self.providers = Providers(email, sms_provider(settings))

    def get_dependency(self, worker_ctx):
        return self.providers


def sms_provider(settings):
    """SMS_PROVIDER_URL unset: the outbox file; set: that provider's REST API
    (SMS_PROVIDER twilio, the default, or messagebird). `settings`: NotifySettings."""
    url = settings.sms_provider_url
    if not url:
        return SmsOutboxFile(kluis_var() / "sms.jsonl")
    sender = settings.sms_sender
    provider = settings.sms_provider.lower()
    if provider == "messagebird":
        return MessageBirdSms(url, settings.sms_provider_key, sender)
    if provider == "twilio":
        return TwilioSms(url, settings.sms_provider_user, settings.sms_provider_key, sender)
    raise ValueError(f"SMS_PROVIDER must be twilio or messagebird, not {provider!r}")
