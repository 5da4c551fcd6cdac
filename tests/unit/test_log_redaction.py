"""Secrets never reach a log line; ordinary values pass through unchanged."""

import io
import json
import logging
import uuid

import pytest

from services.common.logs import RedactingFormatter, logging_config, redact

SECRET = "Hunter2-geheim"
TOKEN = "pX3_k9-Qr7vLm2NbT8wYc4ZaE1dF6gHj"


@pytest.mark.parametrize(
    "line",
    [
        f"login failed for password={SECRET} from 10.0.0.1",
        f'payload {{"password": "{SECRET}", "email": "a@b.nl"}}',
        f"kwargs {{'password': '{SECRET}'}}",
        f'{{"new_password":"{SECRET}"}}',
    ],
)
def test_passwords_are_masked(line):
    redacted = redact(line)
    assert SECRET not in redacted
    assert "***" in redacted


def test_every_password_in_a_failover_list_of_broker_uris_is_masked():
    # As nameko logs a broker it cannot reach: it masks only the first URI itself.
    line = (
        "Error connecting to broker at amqp://kluis:********@rabbit-1:5672/kluis;"
        f"amqp://kluis:{SECRET}@rabbit-2:5672/kluis;amqp://kluis:{SECRET}x@rabbit-3/kluis "
        "([Errno 111] ECONNREFUSED)."
    )
    redacted = redact(line)
    assert SECRET not in redacted
    assert "amqp://kluis:***@rabbit-2:5672/kluis;amqp://kluis:***@rabbit-3/kluis" in redacted
    assert redacted.startswith("Error connecting to broker at amqp://kluis:********@rabbit-1")
    assert redact("see https://kluis.example/help and mailto:a@b.nl") == (
        "see https://kluis.example/help and mailto:a@b.nl"
    )


def test_token_in_a_link_is_masked_and_the_rest_of_the_link_kept():
    line = f"mail sent with https://kluis.example/reset-password?token={TOKEN}&lang=nl"
    redacted = redact(line)
    assert TOKEN not in redacted
    assert "https://kluis.example/reset-password?token=" in redacted
    assert "&lang=nl" in redacted


@pytest.mark.parametrize("header", [f"Authorization: Bearer {TOKEN}", f"bearer {TOKEN}"])
def test_bearer_tokens_are_masked(header):
    assert TOKEN not in redact(header)


def test_secrets_inside_a_json_document_are_masked():
    document = json.dumps({"token": TOKEN, "challenge": "c-" + TOKEN, "name": "Jan"})
    redacted = redact(document)
    assert TOKEN not in redacted
    assert '"name": "Jan"' in redacted


@pytest.mark.parametrize("line", ["Uw code is 493027.", "code=493027", "sms 493027 sent"])
def test_six_digit_codes_are_masked(line):
    assert "493027" not in redact(line)


@pytest.mark.parametrize(
    "line",
    [
        f"dossier {uuid.UUID('12345678-1234-5123-9123-123456789012')} opened",
        f"account {uuid.uuid4()} locked",
        "2026-03-02 09:15:42,123 INFO identity: login ok",
        "at 2026-03-02T09:15:42.123Z the relay woke up",
        "Beste Jan, uw document staat klaar in dossier 2026-0042.",
        "published 12 events in 1234567 microseconds",
        "monthly amount 1234.56 euro",
    ],
)
def test_ordinary_text_uuids_and_timestamps_are_not_mangled(line):
    assert redact(line) == line


def test_iso_timestamps_with_microseconds_are_not_mangled():
    line = "occurred_at 2026-03-02T09:15:42.123456+00:00"
    assert redact(line) == line


def test_json_password_with_an_escaped_quote_is_masked_whole():
    line = json.dumps({"password": 'abc"' + SECRET})
    assert SECRET not in redact(line)


def test_password_after_a_colon_without_quotes_is_masked():
    assert SECRET not in redact(f"password: {SECRET}")


# -- the formatter every process uses ------------------------------------------------------


@pytest.fixture
def captured_log():
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(RedactingFormatter("%(levelname)s %(name)s: %(message)s"))
    logger = logging.getLogger("kluis.test.redaction")
    logger.addHandler(handler)
    logger.propagate = False
    logger.setLevel(logging.INFO)
    yield logger, stream
    logger.removeHandler(handler)


def test_formatter_masks_secrets_in_the_message(captured_log):
    logger, stream = captured_log
    logger.info("reset link %s", f"https://kluis.example/reset-password?token={TOKEN}")
    assert TOKEN not in stream.getvalue()
    assert "reset link" in stream.getvalue()


def test_formatter_masks_secrets_inside_a_traceback(captured_log):
    logger, stream = captured_log

    def fail_with_secret(token):
        raise ValueError(f"cannot send mail: token={token}, Bearer {token}")

    try:
        fail_with_secret(TOKEN)
    except ValueError:
        logger.exception("delivery failed")
    text = stream.getvalue()
    assert "Traceback" in text and "ValueError" in text and "fail_with_secret" in text
    assert TOKEN not in text


def test_every_process_logs_through_the_redacting_formatter():
    config = logging_config()
    handler = config["handlers"][config["root"]["handlers"][0]]
    formatter = config["formatters"][handler["formatter"]]
    assert formatter["()"] == "services.common.logs.RedactingFormatter"


def test_an_audit_checkpoint_is_logged_exactly_even_with_a_six_digit_seq(caplog):
    """The log is the copy of each checkpoint outside the database: a busy stream's seq
    123456 must not be masked as a code (as an ordinary line's would be)."""
    from services.common.audit_entrypoints import log_checkpoint

    checkpoint = {
        "stream": "dossier",
        "seq": 123456,
        "hash": "ab" * 32,
        "at": "2026-12-01T03:00:00.000000Z",
        "signature": "x/654321/y==",
    }
    handler = logging.StreamHandler(stream := io.StringIO())
    for output in ("text", "json"):
        handler.setFormatter(RedactingFormatter("%(message)s", output=output))
        logger = logging.getLogger("services.common.audit_entrypoints")
        logger.addHandler(handler)
        try:
            with caplog.at_level(logging.INFO, logger=logger.name):
                log_checkpoint(checkpoint)
        finally:
            logger.removeHandler(handler)
    text, line = stream.getvalue().splitlines()
    assert (
        text
        == json.loads(line)["message"]
        == (
            f"audit checkpoint dossier seq 123456 hash {'ab' * 32} "
            "at 2026-12-01T03:00:00.000000Z signature x/654321/y=="
        )
    )
    assert redact("seq 123456 and more") == "seq ****** and more"  # without the mark
