"""Log lines (services/common/logs.py, telemetry.py): request ids, per green thread and
carried on by a service that calls another on its own behalf; JSON lines."""

import io
import json
import logging
import logging.config
import re
from pathlib import Path

import eventlet
import pytest
import yaml

from services.common.logs import (
    RedactingFormatter,
    current_request_id,
    logging_config,
    set_request_id,
)
from services.common.rpc import _AsService

ROOT = Path(__file__).resolve().parents[2]
CONFIGS = sorted(ROOT.glob("services/*/config.yaml")) + [ROOT / "gateway" / "config.yaml"]


class FakeWorkerCtx:
    context_data = {"principal": "p1.user", "request_id": "req-12345678", "language": "nl"}


def test_a_service_calling_as_itself_passes_the_request_id_on():
    context = _AsService(FakeWorkerCtx(), "dossier").context_data
    assert context["request_id"] == "req-12345678"
    assert context["principal"] != "p1.user"  # the service's own principal instead


def test_each_green_thread_has_its_own_request_id():
    def work(request_id):
        set_request_id(request_id)
        eventlet.sleep(0.001)  # let the others run in between
        return current_request_id()

    ids = [f"request-{n:04d}" for n in range(20)]
    assert list(eventlet.GreenPool().imap(work, ids)) == ids
    assert current_request_id() is None


def test_text_lines_carry_the_request_id_only_inside_a_request():
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(RedactingFormatter("%(levelname)s %(name)s: %(request)s%(message)s"))
    logger = logging.getLogger("test.request_ids")
    logger.addHandler(handler)
    logger.propagate = False
    try:
        logger.warning("outside")
        set_request_id("abcdef-0123")
        logger.warning("inside")
        set_request_id("not valid!")  # an id from outside that does not look like one
        logger.warning("again outside")
    finally:
        set_request_id(None)
        logger.removeHandler(handler)
    assert stream.getvalue().splitlines() == [
        "WARNING test.request_ids: outside",
        "WARNING test.request_ids: [request_id=abcdef-0123] inside",
        "WARNING test.request_ids: again outside",
    ]


def json_lines(log):
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(RedactingFormatter("%(message)s", output="json", part="identity"))
    logger = logging.getLogger("test.json_lines")
    logger.setLevel(logging.INFO)
    logger.addHandler(handler)
    logger.propagate = False
    try:
        log(logger)
    finally:
        set_request_id(None)
        logger.removeHandler(handler)
    return [json.loads(line) for line in stream.getvalue().splitlines()]


def test_json_lines_hold_the_fields_and_stay_redacted():
    def log(logger):
        logger.info('plain line with "quotes"')
        set_request_id("req-abcdef12")
        try:
            raise ValueError('password="hunter2" sent')
        except ValueError:
            logger.exception("login failed for token=abc.def with code 123456")

    plain, failed = json_lines(log)
    assert set(plain) == {"time", "level", "part", "logger", "message"}
    assert plain["level"] == "INFO" and plain["part"] == "identity"
    assert plain["logger"] == "test.json_lines"
    assert plain["message"] == 'plain line with "quotes"'
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", plain["time"])
    assert failed["request_id"] == "req-abcdef12" and failed["level"] == "ERROR"
    assert failed["message"] == "login failed for token=*** with code ******"
    assert "Traceback" in failed["exc_info"] and "ValueError" in failed["exc_info"]
    assert "hunter2" not in failed["exc_info"]


def test_the_log_format_is_text_or_json_and_nothing_else():
    assert RedactingFormatter("%(message)s", output=" JSON ").json
    assert not RedactingFormatter("%(message)s").json
    with pytest.raises(ValueError, match="LOG_FORMAT must be text or json"):
        RedactingFormatter("%(message)s", output="xml")


def test_every_config_takes_the_log_format_from_the_environment(monkeypatch):
    from nameko.cli.main import setup_yaml_parser

    setup_yaml_parser()
    monkeypatch.setenv("LOG_FORMAT", "json")
    for path in CONFIGS:
        config = yaml.safe_load(path.read_text())["LOGGING"]
        logging.config.dictConfig({**config, "root": {"handlers": []}})
        formatter = config["formatters"]["redacting"]
        assert formatter["output"] == "json" and formatter["part"] == path.parent.name
    logging.config.dictConfig(logging_config())
