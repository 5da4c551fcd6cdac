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
    # "password": "x", 'token': 'x', password=x, code: 123456
    (re.compile(r"""(?i)(["']?\b\w*""" + SECRET_KEYS + r"""["']?\s*[:=]\s*)(["'])(.*?)(\2)"""),
     r"\1\2***\4"),
    (re.compile(r"""(?i)(\b\w*""" + SECRET_KEYS + r"""\s*=\s*)([^\s&"',}]+)"""), r"\1***"),
    (re.compile(r"(?i)\bbearer\s+[A-Za-z0-9._~+/=-]+"), "Bearer ***"),
    (re.compile(r"(?<![\w-])\d{6}(?![\w-])"), "******"),
]


def redact(text):
    for pattern, replacement in _PATTERNS:
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
