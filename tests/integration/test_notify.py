"""Commands to the real notify: `uow.send("notify", SendNotification(...))` from a
producer's outbox, recorded once per message id, sent over real SMTP (an aiosmtpd sink),
temporary failures retried, permanent ones not. Runs on SQLite and PostgreSQL, with
notify's schema from its Alembic migrations."""

import json
from datetime import timedelta

import pytest
from nameko.amqp.publish import Publisher
from nameko.standalone.rpc import ClusterRpcProxy
from nameko.testing.services import entrypoint_waiter

from services.common.context import Principal
from services.common.db import new_id, utcnow
from services.common.migrate import upgrade
from services.common.unit_of_work import COMMAND_EXCHANGE, command_queue, unit_of_work
from services.notify import erasure, templates
from services.notify.delivery import SmtpEmail
from services.notify.models import Notification
from services.notify.models import metadata as notify_metadata
from services.notify.service import NotifyService

from .kit import Producer, principal_context, producer_metadata, select_all, wait_until

notifications = Notification.__table__
notify_inbox = notify_metadata.tables["inbox"]
producer_outbox = producer_metadata.tables["outbox"]
RESET_URL = "https://kluis.test/reset?token=s3cret-t0ken"
ADMIN = Principal(account_id="admin-1", kind="admin")
RESET_DATA = {"name": "Ann", "minutes": 60, "reset_url": RESET_URL}


@pytest.fixture
def notify_config(config, make_db_url, smtp_sink, monkeypatch, tmp_path):
    monkeypatch.setenv("KLUIS_VAR", str(tmp_path / "var"))  # notify's SMS file goes there
    url = make_db_url("notify")
    upgrade("notify", url)
    return {
        **config,
        "DB_URL": url,
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": smtp_sink.port,
        "MAIL_FROM": "Kluis <no-reply@kluis.test>",
    }


@pytest.fixture
def notify_db(notify_config, engines):
    return engines(notify_config["DB_URL"])


def reset_command(email, language="en"):
    """A `send_notification` command exactly as UnitOfWork.send builds it."""
    return {
        "message_id": new_id(),
        "command": "send_notification",
        "occurred_at": utcnow().isoformat(),
        "template": "password_reset",
        "language": language,
        "to": {"email": email},
        "data": RESET_DATA,
    }


def publish_command(amqp_uri, message):
    Publisher(amqp_uri, use_confirms=True, serializer="json").publish(
        message,
        exchange=COMMAND_EXCHANGE,
        routing_key="notify",
        declare=[command_queue("notify")],
        mandatory=True,
    )


def notification(engine, message, status=None):
    rows = select_all(engine, notifications, notifications.c.id == message["message_id"])
    if rows and (status is None or rows[0].status == status):
        return rows[0]
    return None


def test_command_from_outbox_is_mailed_once_even_when_delivered_twice(
    config, notify_config, notify_db, smtp_sink, make_db_url, engines, start_service
):
    smtp_sink.start()
    producer_url = make_db_url("producer")
    producer_db = engines(producer_url)
    producer_metadata.create_all(producer_db)
    start_service(Producer, {**config, "DB_URL": producer_url})

    # sent while notify is not running: the relay declares notify's command queue
    with ClusterRpcProxy(config) as rpc:
        command = rpc.producer.request_reset_mail("ann@kluis.test")
    (sent,) = wait_until(
        lambda: select_all(producer_db, producer_outbox, producer_outbox.c.sent_at.is_not(None)),
        message="the command relayed",
    )
    assert (sent.kind, sent.routing_key, sent.payload) == ("command", "notify", "{}")

    notify = start_service(NotifyService, notify_config, run=False)
    with entrypoint_waiter(notify, "handle_command", timeout=10):
        notify.start()
    row = wait_until(
        lambda: notification(notify_db, command, "delivered"), message="the notification delivered"
    )

    # the same message again, as after a relay that published but could not mark it sent
    with entrypoint_waiter(notify, "handle_command", timeout=10) as waited:
        publish_command(config["AMQP_URI"], command)
    assert waited.get() is None

    (mail,) = smtp_sink.messages()
    assert mail["To"] == "ann@kluis.test"
    assert mail["From"] == "Kluis <no-reply@kluis.test>"
    assert mail["Subject"] == "Set a new password for Kluis"
    assert mail["Message-ID"] == f"<{command['message_id']}@kluis>"
    text = mail.get_body(preferencelist=("plain",)).get_content()
    assert RESET_URL in text and "Dear Ann" in text

    assert len(select_all(notify_db, notifications)) == 1
    assert (row.status, row.body, row.attempts, row.last_error) == ("delivered", None, 1, None)
    assert (row.template, row.channel, row.recipient) == (
        "password_reset",
        "email",
        "ann@kluis.test",
    )
    assert row.sent_at is not None
    (received,) = select_all(notify_db, notify_inbox)
    assert (received.message_id, received.status, received.payload) == (
        command["message_id"],
        "done",
        "{}",
    )


def test_temporary_failure_is_retried_until_the_sink_is_back(
    config, notify_config, notify_db, smtp_sink, start_service
):
    start_service(NotifyService, notify_config)  # the SMTP sink is down
    command = reset_command("bob@kluis.test", language="nl")
    publish_command(config["AMQP_URI"], command)

    row = wait_until(
        lambda: notification(notify_db, command, "temporary-failure"), message="a temporary failure"
    )
    assert row.attempts == 1 and row.last_error == "ConnectionRefusedError"
    assert row.next_attempt_at - row.updated_at == timedelta(seconds=2)  # security template
    assert row.body is not None and row.sent_at is None  # kept for the retry

    smtp_sink.start()
    row = wait_until(
        lambda: notification(notify_db, command, "delivered"),
        timeout=15,
        message="the retried notification delivered",
    )
    assert (row.attempts, row.body, row.last_error) == (2, None, None)
    (mail,) = smtp_sink.messages()
    assert mail["To"] == "bob@kluis.test"
    assert mail["Message-ID"] == f"<{command['message_id']}@kluis>"
    subject, body = templates.render("password_reset", "nl", RESET_DATA)  # with non-ASCII
    assert mail["Subject"] == subject
    assert (
        mail.get_body(preferencelist=("plain",)).get_content().replace("\r\n", "\n").strip()
        == body.strip()
    )


def test_rejected_recipient_is_a_permanent_failure_without_retry(
    config, notify_config, notify_db, smtp_sink, start_service
):
    smtp_sink.start()
    notify = start_service(NotifyService, notify_config)
    refused = reset_command("nobody@kluis.test")
    publish_command(config["AMQP_URI"], refused)
    row = wait_until(
        lambda: notification(notify_db, refused, "permanent-failure"), message="a permanent failure"
    )
    assert row.attempts == 1 and row.last_error == "recipient refused [550]"
    assert row.sent_at is None

    # later work goes on, and the delivery timer passes the refused one by
    accepted = reset_command("carol@kluis.test")
    publish_command(config["AMQP_URI"], accepted)
    wait_until(
        lambda: notification(notify_db, accepted, "delivered"),
        message="the next notification delivered",
    )
    with entrypoint_waiter(notify, "deliver_due", timeout=5):
        pass
    row = notification(notify_db, refused)
    assert (row.status, row.attempts) == ("permanent-failure", 1)
    assert [m["To"] for m in smtp_sink.messages()] == ["carol@kluis.test"]

    with ClusterRpcProxy(config, context_data=principal_context(ADMIN)) as rpc:
        log = {n["recipient"]: n for n in rpc.notify.list_notifications()["items"]}
    assert log["nobody@kluis.test"]["status"] == "permanent-failure"
    assert log["carol@kluis.test"]["status"] == "delivered"


def test_command_notify_cannot_record_is_parked_not_lost(
    config, notify_config, notify_db, smtp_sink, start_service
):
    smtp_sink.start()
    start_service(NotifyService, notify_config)
    command = {**reset_command("erik@kluis.test"), "template": "no_such_template"}
    publish_command(config["AMQP_URI"], command)

    wait_until(
        lambda: select_all(notify_db, notify_inbox, notify_inbox.c.status == "parked"),
        message="the command parked",
    )
    with ClusterRpcProxy(config, context_data=principal_context(ADMIN)) as rpc:
        (parked,) = rpc.notify.list_parked_messages()["items"]
    assert (parked["message_id"], parked["source"], parked["attempts"], parked["last_error"]) == (
        command["message_id"],
        "notify.send_notification",
        3,
        "UnknownTemplate",
    )
    assert select_all(notify_db, notifications) == [] and smtp_sink.messages() == []


def test_mail_states_its_language(smtp_sink):
    smtp_sink.start()
    SmtpEmail("127.0.0.1", smtp_sink.port, "Kluis <no-reply@kluis.test>").send_email(
        "dan@kluis.test", "Onderwerp", "Beste Dan,", "message-1", "nl"
    )
    (mail,) = smtp_sink.messages()
    assert mail["Message-ID"] == "<message-1@kluis>"
    assert mail["Content-Language"] == "nl"


def forget_command(emails=(), mobiles=()):
    """A `forget_recipients` command as dossier sends it at the end of a retention."""
    return {
        "message_id": new_id(),
        "command": "forget_recipients",
        "occurred_at": utcnow().isoformat(),
        "emails": list(emails),
        "mobiles": list(mobiles),
    }


def test_forgetting_a_client_blanks_their_rows_and_keeps_the_rest(make_db_url, engines):
    """Rows to the client's address (any case) and mobile keep their facts but not the
    recipient or subject; one not sent yet never will be; a parked command to them is
    dropped; everyone else's stays. A second time changes nothing."""
    url = make_db_url("notify")
    upgrade("notify", url)
    engine = engines(url)
    now = utcnow()
    rows = {
        "to-eva": ("email", "Eva@Example.org", "delivered"),
        "to-eva-waiting": ("email", "eva@example.org", "temporary-failure"),
        "sms-to-eva": ("sms", "+31622223333", "delivered"),
        "to-piet": ("email", "piet@example.org", "delivered"),
    }
    parked = reset_command("eva@example.org")
    piet_parked = reset_command("piet@example.org")
    with engine.begin() as connection:
        for row_id, (channel, recipient, status) in rows.items():
            connection.execute(
                notifications.insert().values(
                    id=row_id,
                    template="password_reset",
                    channel=channel,
                    recipient=recipient,
                    language="nl",
                    subject="Ann's subject",
                    body="text",
                    status=status,
                    attempts=1,
                    next_attempt_at=now,
                    created_at=now,
                    updated_at=now,
                )
            )
        for message in (parked, piet_parked):
            connection.execute(
                notify_inbox.insert().values(
                    message_id=message["message_id"],
                    source="notify.send_notification",
                    payload=json.dumps(message),
                    status="parked",
                    attempts=8,
                    next_attempt_at=now,
                    received_at=now,
                )
            )
    command = forget_command(["eva@example.org"], ["+31622223333"])
    for _ in range(2):
        with unit_of_work(engine, "notify", notify_metadata.tables["outbox"]) as uow:
            erasure.forget_recipients(uow, command)
        found = {row.id: row for row in select_all(engine, notifications)}
        for row_id in ("to-eva", "to-eva-waiting", "sms-to-eva"):
            row = found[row_id]
            assert (row.recipient, row.subject, row.body) == ("(gewist)", "", None), row_id
            assert (row.template, row.channel, row.attempts) == (
                "password_reset",
                rows[row_id][0],
                1,
            )
        assert found["to-eva"].status == "delivered"
        assert found["to-eva-waiting"].status == "permanent-failure"
        assert (found["to-piet"].recipient, found["to-piet"].body) == ("piet@example.org", "text")
        inbox = {row.message_id: row for row in select_all(engine, notify_inbox)}
        assert (inbox[parked["message_id"]].status, inbox[parked["message_id"]].payload) == (
            "done",
            "{}",
        )
        assert inbox[piet_parked["message_id"]].status == "parked"
