"""Finding accounts by e-mail address or mobile number, now that both are sealed
(models.Account): by their blind index, one HMAC and one indexed look-up.

An account written before sealing (backfill.py seals them in the background) has no
blind index yet and still holds the value as it was: it is found by that, among the
rows whose index is NULL (the same index answers that, and once the backfill is done
no row of an e-mail address is left there)."""

from sqlalchemy import and_, or_, select

from services.common.sealed_columns import keyring_of

from . import domain
from .models import Account


def email_index(session, email):
    """The blind index of an e-mail address (normalised as accounts store it)."""
    return keyring_of(session).blind(domain.normalise_email(email))


def mobile_index(session, mobile):
    """The blind index of a mobile number in E.164 (normalised by the caller)."""
    return keyring_of(session).blind(mobile)


def has_email(session, email):
    """`Account` has this e-mail address, in SQL."""
    plain = domain.normalise_email(email)
    return or_(
        Account.email_index == email_index(session, email),
        and_(Account.email_index.is_(None), Account.email_sealed == plain),
    )


def has_emails(session, emails):
    """`Account` has one of these (normalised) e-mail addresses, in SQL."""
    indexes = [email_index(session, e) for e in emails]
    return or_(
        Account.email_index.in_(indexes),
        and_(Account.email_index.is_(None), Account.email_sealed.in_(list(emails))),
    )


def has_mobile(session, mobile):
    """`Account` has this mobile number (E.164), in SQL."""
    return or_(
        Account.mobile_index == mobile_index(session, mobile),
        and_(Account.mobile_index.is_(None), Account.mobile_sealed == mobile),
    )


def by_email(session, email, for_update=False):
    """-> the account with this e-mail address, or None."""
    query = select(Account).where(has_email(session, email))
    return session.scalar(query.with_for_update(of=Account) if for_update else query)
