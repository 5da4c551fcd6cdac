"""The end-to-end tests' systems and helpers live in tests/systems.py (shared with the
browser tests); the names the e2e modules import from here."""

from tests.systems import (  # noqa: F401
    ADMIN_EMAIL,
    ADMIN_PASSWORD,
    CLIENT_PASSWORD,
    KLUIS_KNOBS,
    Client,
    Kluis,
    Mailbox,
    code_in,
    link_token,
    start_system,
    text_of,
    unique_email,
)
