"""Logging that never writes secrets, as text lines or JSON lines, each line caused by
an HTTP request marked with its request id.

Every process logs through `RedactingFormatter` (see each config.yaml `LOGGING`):
after the record and any traceback are formatted, values of secret-looking keys,
bearer tokens, link tokens and 6-digit codes are replaced by `***`. Code should not
log secrets in the first place; this is the net under it.

`LOG_FORMAT=json` (the formatter's `output: json`) writes one JSON object a line:
time, level, part, logger, message, request_id (when there is one) and exc_info (the
traceback as text), each string redacted as a text line is. The text format is
`<time> <level> <part> <logger>: [request_id=<id>] <message>`, the bracket only
inside a request.

The request id is the gateway's `X-Request-ID` (gateway/dispatch.py). It travels in the RPC
context (`REQUEST_ID_KEY`) to every service a request reaches, and on from there
(services/common/request_ids.py sets it for each worker); it lives in a context
variable, which under eventlet is one per green thread.
"""

import contextvars
import json
import logging
import re
import time

SECRET_KEYS = (
    r"(?:password|passwd|token|secret|code|recovery_code|signature|authorization|"
    r"api_key|key|challenge|pairing_code|sms_code)"
)
_PATTERNS = [
    (re.compile(r"(?i)\bbearer\s+[A-Za-z0-9._~+/=-]+"), "Bearer ***"),
    # "password": "x", 'token': 'x' (a quoted value, escaped quotes included)
    (
        re.compile(
            r"""(?i)(["']?\b\w*"""
            + SECRET_KEYS
            + r"""["']?\s*[:=]\s*)(["'])((?:\\.|(?!\2).)*)(\2)"""
        ),
        r"\1\2***\4",
    ),
    # password=x, password: x (an unquoted value up to a separator)
    (
        re.compile(
            r"""(?i)(\b\w*"""
            + SECRET_KEYS
            + r"""\s*[:=]\s*)(?!\*\*\*)(?!["'])(?!Bearer\b)([^\s&"',;}]+)"""
        ),
        r"\1***",
    ),
    # A 6-digit code standing alone (not part of an id, a number or a time's fraction).
    (re.compile(r"(?<![\w.,:+-])\d{6}(?![\w.,:+-]?\d)(?![\w-])"), "******"),
    # A URI's password (amqp://user:pw@host): nameko masks only the first URI of a
    # failover list ("a;b;c") when it logs a broker it cannot reach.
    (re.compile(r"(?i)(\b[a-z][a-z0-9+.-]*://[^\s:/@;]+:)(?!\*+@)[^\s/@;]+(@)"), r"\1***\2"),
]


# The first three patterns need one of these words: a line without any (most lines, the
# access log's among them) skips them; the last two always run.
_HINT = re.compile(r"(?i)bearer|" + SECRET_KEYS)


def redact(text):
    patterns = _PATTERNS if _HINT.search(text) else _PATTERNS[3:]
    for pattern, replacement in patterns:
        text = pattern.sub(replacement, text)
    return text


REQUEST_ID_KEY = "request_id"  # its key in the RPC context (nameko context data)
REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")  # what a request id may look like
_request_id = contextvars.ContextVar("request_id", default=None)


def current_request_id():
    """The request id of the work this green thread does, or None."""
    return _request_id.get()


def set_request_id(request_id):
    """Marks this green thread's log lines with `request_id` (ignored unless it looks
    like one: it comes from outside). -> a token for `reset_request_id`."""
    if not isinstance(request_id, str) or not REQUEST_ID.match(request_id):
        request_id = None
    return _request_id.set(request_id)


def reset_request_id(token):
    _request_id.reset(token)


def request_id_header():
    """{"X-Request-ID": id} inside a request, else {}: for a call over HTTP to another
    part (documents's blob endpoint, signing's verify endpoint)."""
    request_id = _request_id.get()
    return {"X-Request-ID": request_id} if request_id else {}


class RedactingFormatter(logging.Formatter):
    """`output`: "text" (the default) or "json"; `part`: the process's name in JSON."""

    def __init__(
        self, fmt=None, datefmt=None, style="%", validate=True, *, output="text", part=None
    ):
        super().__init__(fmt, datefmt, style, validate)
        output = (output or "text").strip().lower()
        if output not in ("text", "json"):
            raise ValueError(f"LOG_FORMAT must be text or json, not {output!r}")
        self.json = output == "json"
        self.part = part

    def format(self, record):
        request_id = current_request_id()
        record.request_id = request_id
        record.request = f"[request_id={request_id}] " if request_id else ""
        if self.json:
            return self.format_json(record, request_id)
        text = super().format(record)
        return text if _verbatim(record) else redact(text)

    def format_json(self, record, request_id):
        line = {
            "time": _iso_time(record),
            "level": record.levelname,
            "part": self.part,
            "logger": record.name,
            "message": record.getMessage() if _verbatim(record) else redact(record.getMessage()),
        }
        if request_id:
            line["request_id"] = request_id
        if record.exc_info:
            record.exc_text = record.exc_text or self.formatException(record.exc_info)
        if record.exc_text:
            line["exc_info"] = redact(record.exc_text)
        if record.stack_info:
            line["stack_info"] = redact(self.formatStack(record.stack_info))
        return json.dumps(line, ensure_ascii=False)


def _verbatim(record):
    """A line logged with `extra={VERBATIM: True}` is written as it is: only for lines
    made wholly of values that are never secret and must stay exact (an audit
    checkpoint: its sequence number may be six digits, which would be masked as a code).
    A traceback is always redacted."""
    return getattr(record, VERBATIM, False) is True and not record.exc_info


VERBATIM = "kluis_verbatim"


def _iso_time(record):
    """The record's time as ISO 8601 UTC with milliseconds."""
    return (
        time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created))
        + f".{int(record.msecs):03d}Z"
    )


def logging_config(level="INFO", part=None, output="text"):
    """The dictConfig every process uses (also written out in each config.yaml)."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {
            "redacting": {
                "()": "services.common.logs.RedactingFormatter",
                "format": "%(asctime)s %(levelname)s "
                + (f"{part} " if part else "")
                + "%(name)s: %(request)s%(message)s",
                "output": output,
                "part": part,
            }
        },
        "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "redacting"}},
        "root": {"level": level, "handlers": ["console"]},
    }
