"""Personal contact details only: shared mailboxes are refused, mobile numbers are
validated and kept in E.164 (Dutch numbers accepted as people write them)."""

import phonenumbers

# Mailboxes that belong to an office, not a person (matched case-insensitively on the
# part before the @). Keep this list sorted.
ROLE_MAILBOXES = frozenset(
    [
        "administratie",
        "admin",
        "administrator",
        "backoffice",
        "balie",
        "boekhouding",
        "contact",
        "directie",
        "hallo",
        "hello",
        "help",
        "helpdesk",
        "hypotheek",
        "hypotheken",
        "info",
        "informatie",
        "kantoor",
        "klantenservice",
        "mail",
        "noreply",
        "no-reply",
        "notaris",
        "office",
        "planning",
        "post",
        "postmaster",
        "receptie",
        "reception",
        "sales",
        "secretariaat",
        "service",
        "support",
        "team",
        "verkoop",
        "webmaster",
        "welkom",
    ]
)


def is_role_address(email):
    local = email.strip().lower().split("@", 1)[0]
    return local in ROLE_MAILBOXES


def normalise_mobile(text):
    """-> the E.164 form of a mobile number, or None when it is not one.
    A number without a country code is read as Dutch (06 12345678)."""
    if not isinstance(text, str) or not 8 <= len(text.strip()) <= 25:
        return None
    try:
        number = phonenumbers.parse(text, "NL")
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    if phonenumbers.number_type(number) not in (
        phonenumbers.PhoneNumberType.MOBILE,
        phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
    ):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def mobile_or_none(text, error):
    """-> None for no number, the E.164 form for a mobile; raises `error` (the
    service's InvalidMobile) for anything else."""
    if text in (None, ""):
        return None
    normalised = normalise_mobile(text)
    if normalised is None:
        raise error({"mobile": ["invalid_mobile"]})
    return normalised
