"""How a provider's answer becomes a delivery status (GOV.UK Notify's statuses)."""

import pytest

from services.common.settings import read_settings
from services.notify.delivery import MessageBirdSms, SmsOutboxFile, TwilioSms, _http_failure
from services.notify.dependencies import sms_provider
from services.notify.settings import NotifySettings


@pytest.mark.parametrize(
    "status, outcome",
    [
        (400, "permanent-failure"),
        (422, "permanent-failure"),
        (401, "technical-failure"),
        (403, "technical-failure"),
        (404, "technical-failure"),
        (408, "temporary-failure"),
        (429, "temporary-failure"),
        (500, "temporary-failure"),
        (503, "temporary-failure"),
    ],
)
def test_http_answers(status, outcome):
    failure = _http_failure(status, "twilio")
    assert (failure.status, failure.reason) == (outcome, f"twilio {status}")


def configured(config):
    return read_settings(NotifySettings, config)


def test_the_provider_is_chosen_by_configuration(tmp_path, monkeypatch):
    monkeypatch.setenv("KLUIS_VAR", str(tmp_path))
    assert isinstance(sms_provider(NotifySettings()), SmsOutboxFile)
    twilio = sms_provider(
        configured(
            {
                "SMS_PROVIDER_URL": "https://api.twilio.com/",
                "SMS_PROVIDER_USER": "AC1",
                "SMS_PROVIDER_KEY": "k",
            }
        )
    )
    assert isinstance(twilio, TwilioSms)
    assert twilio.url == "https://api.twilio.com/2010-04-01/Accounts/AC1/Messages.json"
    bird = sms_provider(
        configured(
            {
                "SMS_PROVIDER": "MessageBird",
                "SMS_PROVIDER_URL": "https://rest.messagebird.com",
                "SMS_PROVIDER_KEY": "live",
            }
        )
    )
    assert isinstance(bird, MessageBirdSms) and bird.url == "https://rest.messagebird.com/messages"
    with pytest.raises(ValueError):
        sms_provider(
            configured({"SMS_PROVIDER": "carrier-pigeon", "SMS_PROVIDER_URL": "https://x"})
        )
