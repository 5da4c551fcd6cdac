"""Notify's SMS providers over their documented REST APIs (a stand-in at the HTTP
boundary), and the client's preferences, with the real NotifyService on the bus."""

import pytest
from nameko.standalone.rpc import ClusterRpcProxy

from services.common.context import Principal
from services.common.db import new_id, utcnow
from services.common.errors import ValidationFailed
from services.common.migrate import upgrade
from services.notify.models import Notification
from services.notify.models import metadata as notify_metadata
from services.notify.preferences import TOPICS
from services.notify.service import NotifyService

from .kit import principal_context, select_all, wait_until
from .sms_provider import FakeSmsProvider
from .test_notify import publish_command

notifications = Notification.__table__


@pytest.fixture
def provider():
    fake = FakeSmsProvider()
    yield fake
    fake.stop()


@pytest.fixture
def notify_with(config, make_db_url, engines, smtp_sink, start_service, monkeypatch, tmp_path):
    """-> start(extra config) -> notify's database engine."""
    monkeypatch.setenv("KLUIS_VAR", str(tmp_path / "var"))

    def start(**extra):
        url = make_db_url("notify")
        upgrade("notify", url)
        start_service(
            NotifyService,
            {
                **config,
                "DB_URL": url,
                "SMTP_HOST": "127.0.0.1",
                "SMTP_PORT": smtp_sink.port,
                **extra,
            },
        )
        return engines(url)

    return start


def command(template, to, data, account_id=None, language="nl"):
    return {
        "message_id": new_id(),
        "command": "send_notification",
        "occurred_at": utcnow().isoformat(),
        "template": template,
        "language": language,
        "to": to,
        "data": data,
        **({"account_id": account_id} if account_id else {}),
    }


def status_of(engine, message):
    rows = select_all(engine, notifications, notifications.c.id == message["message_id"])
    return rows[0] if rows else None


def test_a_provider_that_fails_twice_then_accepts_sends_exactly_one_sms(
    config, provider, notify_with
):
    notify_db = notify_with(
        SMS_PROVIDER_URL=provider.url,
        SMS_PROVIDER_USER="AC123",
        SMS_PROVIDER_KEY="tok3n",
        SMS_SENDER="Kluis",
    )
    provider.failures = [503, 500]
    message = command("login_code", {"mobile": "+31612345678"}, {"code": "482913", "minutes": 10})
    publish_command(config["AMQP_URI"], message)
    publish_command(config["AMQP_URI"], message)  # the same command delivered twice
    done = wait_until(
        lambda: (row := status_of(notify_db, message)) and row.status == "delivered" and row,
        timeout=30,
        message="delivered",
    )
    assert done.attempts == 3 and done.body is None
    assert len(provider.requests) == 3
    assert provider.accepted == [
        {"To": "+31612345678", "From": "Kluis", "Body": provider.accepted[0]["Body"]}
    ]
    assert "482913" in provider.accepted[0]["Body"]


def test_a_request_the_provider_refuses_is_a_permanent_failure_without_retry(
    config, provider, notify_with
):
    notify_db = notify_with(
        SMS_PROVIDER_URL=provider.url, SMS_PROVIDER_USER="AC123", SMS_PROVIDER_KEY="tok3n"
    )
    provider.failures = [400]
    message = command("login_code", {"mobile": "+31612345678"}, {"code": "111222", "minutes": 10})
    publish_command(config["AMQP_URI"], message)
    failed = wait_until(
        lambda: (
            (row := status_of(notify_db, message)) and row.status == "permanent-failure" and row
        ),
        message="permanent-failure",
    )
    assert failed.attempts == 1 and failed.last_error == "twilio 400" and failed.body is None
    assert len(provider.requests) == 1


def test_wrong_credentials_are_a_technical_failure(config, provider, notify_with):
    notify_db = notify_with(
        SMS_PROVIDER_URL=provider.url, SMS_PROVIDER_USER="AC123", SMS_PROVIDER_KEY="wrong"
    )
    message = command("login_code", {"mobile": "+31612345678"}, {"code": "333444", "minutes": 10})
    publish_command(config["AMQP_URI"], message)
    failed = wait_until(
        lambda: (
            (row := status_of(notify_db, message)) and row.status == "technical-failure" and row
        ),
        message="technical",
    )
    assert failed.last_error == "twilio 401"


def test_messagebird_by_configuration(config, provider, notify_with):
    notify_db = notify_with(
        SMS_PROVIDER="messagebird",
        SMS_PROVIDER_URL=provider.url,
        SMS_PROVIDER_KEY="live_k3y",
        SMS_SENDER="Kluis",
    )
    message = command(
        "activation_code", {"mobile": "+31687654321"}, {"code": "555666", "minutes": 10}
    )
    publish_command(config["AMQP_URI"], message)
    wait_until(
        lambda: (row := status_of(notify_db, message)) and row.status == "delivered",
        message="delivered",
    )
    (sent,) = provider.accepted
    assert sent["originator"] == "Kluis" and sent["recipients"] == ["31687654321"]
    assert sent["reference"] == message["message_id"] and "555666" in sent["body"]


def test_preferences_that_are_not_booleans_of_known_topics_are_refused_and_change_nothing(
    config, notify_with
):
    notify_with()
    client = Principal(account_id="client-2", kind="client")
    with ClusterRpcProxy(config, context_data=principal_context(client)) as rpc:
        with pytest.raises(ValidationFailed) as refused:
            rpc.notify.set_my_preferences({"messages": 0, "security": False})
        assert refused.value.details == {
            "messages": ["Not a valid boolean."],
            "security": ["Unknown field."],
        }
        assert rpc.notify.get_my_preferences() == dict.fromkeys(TOPICS, True)


def test_preferences_off_means_no_news_while_security_mail_still_goes(
    config, notify_with, smtp_sink
):
    smtp_sink.start()
    notify_db = notify_with()
    client = Principal(account_id="client-1", kind="client")
    with ClusterRpcProxy(config, context_data=principal_context(client)) as rpc:
        assert rpc.notify.set_my_preferences({"messages": False}) == {
            "new_documents": True,
            "questionnaires": True,
            "messages": False,
        }
    news = {
        "name": "Ann",
        "office": "Hypotheekhuis",
        "dossier_number": "D-1",
        "title": "Vraag",
        "portal_url": "https://kluis.test/d/1",
    }
    muted = command("new_message", {"email": "ann@kluis.test"}, news, account_id="client-1")
    wanted = command("new_document", {"email": "ann@kluis.test"}, news, account_id="client-1")
    security = command(
        "password_reset",
        {"email": "ann@kluis.test"},
        {"name": "Ann", "minutes": 60, "reset_url": "https://k.test/r?token=x"},
        account_id="client-1",
    )
    for message in (muted, wanted, security):
        publish_command(config["AMQP_URI"], message)
    wait_until(lambda: len(smtp_sink.messages()) >= 2, message="two mails")
    assert sorted(m["Subject"] for m in smtp_sink.messages()) == [
        "Nieuw document van Hypotheekhuis in uw Kluis",
        "Stel een nieuw wachtwoord in voor Kluis",
    ]
    inbox = notify_metadata.tables["inbox"]
    wait_until(
        lambda: select_all(
            notify_db, inbox, inbox.c.message_id == muted["message_id"], inbox.c.status == "done"
        ),
        message="the muted one handled",
    )
    assert status_of(notify_db, muted) is None  # handled, and never queued for sending
    html = (
        [m for m in smtp_sink.messages() if "document" in m["Subject"]][0]
        .get_body(preferencelist=("html",))
        .get_content()
    )
    assert '<a href="https://kluis.test/d/1">' in html


@pytest.mark.parametrize(
    "settings, outcome",
    [
        ({"SMTP_STARTTLS": "true", "SMTP_USER": "kluis", "SMTP_PASSWORD": "geheim"}, "delivered"),
        ({"SMTP_USER": "kluis", "SMTP_PASSWORD": "geheim"}, "technical-failure"),  # no STARTTLS
    ],
    ids=["right credentials", "without starttls"],
)
def test_smtp_relay_with_starttls_and_credentials(
    config, notify_with, smtp_sink, settings, outcome
):
    smtp_sink.start("secure")
    notify_db = notify_with(SMTP_CA_FILE=str(smtp_sink.folder / "ca.pem"), **settings)
    message = command(
        "password_reset",
        {"email": "ann@kluis.test"},
        {"name": "Ann", "minutes": 60, "reset_url": "https://k.test/r?token=t"},
    )
    publish_command(config["AMQP_URI"], message)
    row = wait_until(
        lambda: (
            (r := status_of(notify_db, message)) and r.status not in ("created", "sending") and r
        ),
        message="an outcome",
    )
    assert row.status == outcome, row.last_error
    assert len(smtp_sink.messages()) == (1 if outcome == "delivered" else 0)


def test_a_relay_whose_certificate_is_not_trusted_is_a_technical_failure(
    config, notify_with, smtp_sink
):
    smtp_sink.start("secure")
    notify_db = notify_with(SMTP_STARTTLS="true", SMTP_USER="kluis", SMTP_PASSWORD="geheim")
    message = command(
        "password_reset",
        {"email": "ann@kluis.test"},
        {"name": "Ann", "minutes": 60, "reset_url": "https://k.test/r?token=t"},
    )
    publish_command(config["AMQP_URI"], message)
    row = wait_until(
        lambda: (
            (r := status_of(notify_db, message)) and r.status not in ("created", "sending") and r
        ),
        message="an outcome",
    )
    assert (row.status, row.last_error) == ("technical-failure", "SSLCertVerificationError")
