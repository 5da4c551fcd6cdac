"""notify's delivery cycle over SQLite: due -> claim -> send -> record_outcome."""

import json
from datetime import timedelta

import pytest

from services.common.db import new_id, utcnow
from services.notify import use_cases
from services.notify.delivery import SmsOutboxFile
from services.notify.exceptions import DeliveryFailed
from services.notify.models import Notification


class FakeProviders:
    """Both provider interfaces; records what it was asked and fails when told to."""

    def __init__(self, failure=None):
        self.failure = failure
        self.emails, self.sms = [], []

    def send_email(self, to, subject, body, message_id, language, html=None):
        self.emails.append((to, subject, body, message_id, language))
        self.html = html
        if self.failure:
            raise self.failure

    def send_sms(self, to, text, message_id):
        self.sms.append((to, text, message_id))
        if self.failure:
            raise self.failure


def record(db, to=None, template="password_changed"):
    message = {
        "message_id": new_id(),
        "command": "send_notification",
        "template": template,
        "language": "en",
        "to": to or {"email": "klant@voorbeeld.nl"},
        "data": {
            "name": "Jan",
            "minutes": 60,
            "reset_url": "https://k/r?token=t",
            "forgot_url": "https://k/f",
        },
    }
    with db.unit_of_work() as uow:
        use_cases.record_notification(uow, message)
    return message["message_id"]


def due(db):
    with db.unit_of_work() as uow:
        return use_cases.due_notifications(uow)


def claim(db, notification_id):
    with db.unit_of_work() as uow:
        return use_cases.claim(uow, notification_id)


def outcome(db, notification_id, failure):
    with db.unit_of_work() as uow:
        use_cases.record_outcome(uow, notification_id, failure)
    return db.get(Notification, notification_id)


def attempt(db, notification_id, failure):
    """One delivery round: make it due now, claim it, record `failure` (None: delivered)."""
    db.set(Notification, notification_id, next_attempt_at=utcnow() - timedelta(seconds=1))
    assert claim(db, notification_id) is not None
    return outcome(db, notification_id, failure)


TEMPORARY = DeliveryFailed("temporary-failure", "smtp 451")


# -- recording and claiming ---------------------------------------------------------------------


def test_recorded_notification_is_rendered_and_due_at_once(notify_db):
    notification_id = record(notify_db)
    stored = notify_db.get(Notification, notification_id)
    assert (stored.status, stored.channel, stored.attempts) == ("created", "email", 0)
    assert stored.subject and "Jan" in stored.body
    assert due(notify_db) == [notification_id]


def test_a_mobile_recipient_makes_an_sms(notify_db):
    notification_id = record(notify_db, to={"mobile": "+31612345678"})
    stored = notify_db.get(Notification, notification_id)
    assert (stored.channel, stored.recipient) == ("sms", "+31612345678")


def test_claim_marks_sending_and_counts_the_attempt(notify_db):
    notification_id = record(notify_db)
    claimed = claim(notify_db, notification_id)
    assert (claimed.id, claimed.status, claimed.attempts) == (notification_id, "sending", 1)
    assert due(notify_db) == []


def test_claim_is_exclusive(notify_db):
    notification_id = record(notify_db)
    assert claim(notify_db, notification_id) is not None
    assert claim(notify_db, notification_id) is None


def test_a_row_stuck_in_sending_becomes_due_again(notify_db):
    notification_id = record(notify_db)
    claim(notify_db, notification_id)
    stuck_since = utcnow() - timedelta(seconds=use_cases.STALE_SENDING_S + 1)
    notify_db.set(Notification, notification_id, updated_at=stuck_since)
    assert due(notify_db) == [notification_id]
    assert notify_db.get(Notification, notification_id).status == "temporary-failure"
    assert claim(notify_db, notification_id).attempts == 2


def test_the_stale_limit_can_be_configured(notify_db):
    notification_id = record(notify_db)
    claim(notify_db, notification_id)
    notify_db.set(Notification, notification_id, updated_at=utcnow() - timedelta(seconds=11))
    with notify_db.unit_of_work() as uow:
        assert use_cases.due_notifications(uow, stale_after_s=10) == [notification_id]


def test_a_row_recently_sending_is_left_alone(notify_db):
    notification_id = record(notify_db)
    claim(notify_db, notification_id)
    notify_db.set(Notification, notification_id, updated_at=utcnow() - timedelta(seconds=5))
    assert due(notify_db) == []
    assert notify_db.get(Notification, notification_id).status == "sending"


# -- outcomes -----------------------------------------------------------------------------------


def test_delivered_clears_the_body_and_sets_sent_at(notify_db):
    notification_id = record(notify_db)
    before = utcnow()
    delivered = attempt(notify_db, notification_id, None)
    assert delivered.status == "delivered"
    assert delivered.body is None
    assert delivered.sent_at >= before
    assert due(notify_db) == []


def test_temporary_failure_is_retried_later_not_now(notify_db):
    notification_id = record(notify_db)
    before = utcnow()
    failed = attempt(notify_db, notification_id, TEMPORARY)
    assert failed.status == "temporary-failure"
    assert failed.last_error == "smtp 451"
    assert failed.next_attempt_at > before
    assert due(notify_db) == []
    assert claim(notify_db, notification_id) is None


def test_backoff_grows_with_each_attempt(notify_db):
    notification_id = record(notify_db)
    delays = []
    for _ in range(3):
        failed = attempt(notify_db, notification_id, TEMPORARY)
        delays.append(failed.next_attempt_at - failed.updated_at)
    assert delays[0] > timedelta(0)
    assert delays[0] < delays[1] < delays[2]


def test_gives_up_after_max_attempts_with_temporary_failure_as_the_last_word(notify_db):
    notification_id = record(notify_db)
    final = [attempt(notify_db, notification_id, TEMPORARY) for _ in range(use_cases.MAX_ATTEMPTS)][
        -1
    ]
    assert (final.status, final.attempts, final.body) == (
        "temporary-failure",
        use_cases.MAX_ATTEMPTS,
        None,
    )  # GOV.UK Notify's final word
    notify_db.set(Notification, notification_id, next_attempt_at=utcnow() - timedelta(hours=1))
    assert due(notify_db) == []
    notify_db.set(
        Notification, notification_id, status="sending", updated_at=utcnow() - timedelta(hours=1)
    )
    assert due(notify_db) == []  # nor sent again as a stale "sending"


@pytest.mark.parametrize("status", ["permanent-failure", "technical-failure"])
def test_permanent_and_technical_failures_are_final(notify_db, status):
    notification_id = record(notify_db)
    failed = attempt(notify_db, notification_id, DeliveryFailed(status, "smtp 550"))
    assert failed.status == status
    notify_db.set(Notification, notification_id, next_attempt_at=utcnow() - timedelta(hours=1))
    assert due(notify_db) == []
    assert claim(notify_db, notification_id) is None


# -- send() against fake providers -----------------------------------------------------------


def test_send_hands_an_email_to_the_email_provider(notify_db):
    notification = claim(notify_db, record(notify_db))
    providers = FakeProviders()
    assert use_cases.send(notification, providers, providers) is None
    [(to, subject, body, message_id, language)] = providers.emails
    assert (to, message_id, language) == ("klant@voorbeeld.nl", notification.id, "en")
    assert subject == notification.subject and body == notification.body
    assert providers.sms == []


def test_send_hands_an_sms_to_the_sms_provider(notify_db):
    notification = claim(notify_db, record(notify_db, to={"mobile": "+31612345678"}))
    providers = FakeProviders()
    assert use_cases.send(notification, providers, providers) is None
    assert providers.sms == [("+31612345678", notification.body, notification.id)]
    assert providers.emails == []


def test_provider_failure_is_returned_as_it_is(notify_db):
    notification = claim(notify_db, record(notify_db))
    failure = DeliveryFailed("permanent-failure", "smtp 550")
    assert use_cases.send(notification, FakeProviders(failure), FakeProviders()) is failure


def test_unexpected_exception_becomes_a_final_technical_failure(notify_db):
    notification_id = record(notify_db)
    notification = claim(notify_db, notification_id)
    failure = use_cases.send(notification, FakeProviders(KeyError("x")), FakeProviders())
    assert (failure.status, failure.reason) == ("technical-failure", "KeyError")
    assert outcome(notify_db, notification_id, failure).status == "technical-failure"


# -- the SMS outbox file (the default SMS provider) --------------------------------------------


def test_sms_outbox_file_appends_one_json_line_per_sms(tmp_path):
    sms = SmsOutboxFile(tmp_path / "sms.jsonl")
    sms.send_sms("+31612345678", "Uw code is 123456", "m-1")
    sms.send_sms("+31687654321", "Tweede", "m-2")
    lines = [json.loads(line) for line in (tmp_path / "sms.jsonl").read_text().splitlines()]
    assert [(line["to"], line["text"]) for line in lines] == [
        ("+31612345678", "Uw code is 123456"),
        ("+31687654321", "Tweede"),
    ]
    assert all(line["sent_at"] for line in lines)


def test_sms_outbox_file_that_cannot_be_written_is_a_technical_failure(tmp_path):
    sms = SmsOutboxFile(tmp_path / "missing-folder" / "sms.jsonl")
    with pytest.raises(DeliveryFailed) as raised:
        sms.send_sms("+31612345678", "x", "m-1")
    assert raised.value.status == "technical-failure"
