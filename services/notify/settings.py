"""notify's settings, read once at start (services/common/settings.py): the keys of
config.yaml, which names the environment variable of each, with the same defaults."""

from dataclasses import dataclass

from services.common.settings import setting


@dataclass(frozen=True)
class NotifySettings:
    # A notification still "sending" this long after it was claimed is sent again
    # (longer than the SMTP timeout, 30 s).
    stale_sending_s: float = setting("STALE_SENDING_S", 45.0)
    # e-mail (delivery.SmtpEmail)
    smtp_host: str = setting("SMTP_HOST", "127.0.0.1")
    smtp_port: int = setting("SMTP_PORT", 8025)
    mail_from: str = setting("MAIL_FROM", "Kluis <no-reply@kluis.local>")
    smtp_starttls: bool = setting("SMTP_STARTTLS", False)
    smtp_user: str | None = setting("SMTP_USER", None)
    smtp_password: str | None = setting("SMTP_PASSWORD", None)
    smtp_ca_file: str | None = setting("SMTP_CA_FILE", None, "a private relay's CA")
    # SMS (dependencies.sms_provider): no URL, the outbox file under KLUIS_VAR
    sms_provider: str = setting("SMS_PROVIDER", "twilio", "twilio | messagebird")
    sms_provider_url: str | None = setting("SMS_PROVIDER_URL", None)
    sms_provider_user: str = setting("SMS_PROVIDER_USER", "")
    sms_provider_key: str = setting("SMS_PROVIDER_KEY", "")
    sms_sender: str = setting("SMS_SENDER", "Kluis")
