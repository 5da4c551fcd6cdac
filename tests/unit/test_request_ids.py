"""Request ids on log lines (services/common/logs.py, telemetry.py): per green thread,
and carried on by a service that calls another on its own behalf."""
import io
import logging

import eventlet

from services.common.logs import (RedactingFormatter, current_request_id, set_request_id)
from services.common.rpc import _AsService


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
        "WARNING test.request_ids: again outside"]
