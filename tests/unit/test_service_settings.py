"""identity's and notify's settings (settings.py): their config keys, read once, with
the defaults config.yaml gives; the limits they scale keep their windows."""

from services.common.settings import read_settings
from services.identity import edge, guard
from services.identity.settings import IdentitySettings
from services.notify.settings import NotifySettings


def test_identity_limits_take_their_burst_from_the_configuration():
    settings = read_settings(
        IdentitySettings,
        {"LOGIN_LOCK_AFTER": "3", "REGISTRATIONS_PER_ADDRESS": "2", "SMS_PER_NUMBER": ""},
    )
    assert settings.policy.lock_count == guard.LOCK_COUNT.scaled(3)
    assert settings.policy.sms_number == guard.SMS_PER_NUMBER  # empty: the default
    assert settings.limit("REGISTRATIONS_PER_ADDRESS") == edge.LIMITS[
        "REGISTRATIONS_PER_ADDRESS"
    ].scaled(2)
    assert settings.limit("APP_LOGINS_PER_ADDRESS") == edge.LIMITS["APP_LOGINS_PER_ADDRESS"]


def test_identity_defaults_and_derived_values():
    settings = read_settings(
        IdentitySettings,
        {"KLUIS_PUBLIC_URL": "https://kluis.example/", "MIN_IOS_VERSION": "17.10"},
    )
    assert settings.portal_url == "https://kluis.example"
    assert settings.minimum_versions == {"ios": "17.10", "android": None, "app": None}
    assert (settings.clock.idle_timeout_s, settings.clock.warning_s) == (600, 120)
    assert settings.registration_lifetime.days == 7


def test_notify_reads_its_providers_settings():
    settings = read_settings(
        NotifySettings, {"SMTP_PORT": "2525", "SMTP_STARTTLS": "true", "SMTP_USER": ""}
    )
    assert (settings.smtp_port, settings.smtp_starttls, settings.smtp_user) == (2525, True, None)
    assert read_settings(NotifySettings, {}).stale_sending_s == 45.0
