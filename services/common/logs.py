"""Logging that never writes secrets.

Every process logs through `RedactingFormatter` (see each config.yaml `LOGGING`):
after the record and any traceback are formatted, values of secret-looking keys,
bearer tokens, link tokens and 6-digit codes are replaced by `***`. Code should not
log secrets in the first place; this is the net under it.
"""
import logging
import re

SECRET_KEYS = r"(?:password|passwd|token|secret|code|recovery_code|signature|authorization|" \
              r"api_key|key|challenge|pairing_code|sms_code)"
_PATTERNS = [
    (re.compile(r"(?i)\bbearer\s+[A-Za-z0-9._~+/=-]+"), "Bearer ***"),
    # "password": "x", 'token': 'x' (a quoted value, escaped quotes included)
    (re.compile(r"""(?i)(["']?\b\w*""" + SECRET_KEYS + r"""["']?\s*[:=]\s*)(["'])((?:\\.|(?!\2).)*)(\2)"""),
     r"\1\2***\4"),
    # password=x, password: x (an unquoted value up to a separator)
    (re.compile(r"""(?i)(\b\w*""" + SECRET_KEYS + r"""\s*[:=]\s*)(?!\*\*\*)(?!["'])(?!Bearer\b)([^\s&"',;}]+)"""),
     r"\1***"),
    # A 6-digit code standing alone (not part of an id, a number or a time's fraction).
    (re.compile(r"(?<![\w.,:+-])\d{6}(?![\w.,:+-]?\d)(?![\w-])"), "******"),
]


# The first three patterns need one of these words: a line without any (most lines, the
# access log's among them) skips them.
_HINT = re.compile(r"(?i)bearer|" + SECRET_KEYS)


def redact(text):
    patterns = _PATTERNS if _HINT.search(text) else _PATTERNS[3:]
    for pattern, replacement in patterns:
        text = pattern.sub(replacement, text)
    return text


class RedactingFormatter(logging.Formatter):
    def format(self, record):
        return redact(super().format(record))


def logging_config(level="INFO"):
    """The dictConfig every process uses (also written out in each config.yaml)."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"redacting": {
            "()": "services.common.logs.RedactingFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
        "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "redacting"}},
        "root": {"level": level, "handlers": ["console"]},
    }
