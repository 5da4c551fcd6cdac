"""The principal a client's export of their own data is gathered with (AVG art. 15 and
20; services/documents/export_records.py): the client's own view, read-only, without a
session. Only documents may ask for it, and only for a client account."""

from services.common.context import Principal
from services.common.errors import NotFound

from .models import Account


def export_principal(uow, account_id):
    """-> an unsigned Principal of the client account `account_id`; NotFound for an
    account that is not a client's (or none)."""
    account = uow.session.get(Account, account_id) if isinstance(account_id, str) else None
    if account is None or account.kind != "client":
        raise NotFound()
    return Principal(
        account_id=account.id,
        kind="client",
        language=account.language,
        read_only=True,
        auth_method="export",
    )
