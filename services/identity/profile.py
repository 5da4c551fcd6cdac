"""The caller's own profile (GET /me on every portal load) and the office they work in
now."""

from sqlalchemy import bindparam, select

from . import access
from .models import Account, Session


def profile(uow, account_id):
    """GET /me on every portal load: the account with its field key (one join: its
    fields are sealed) and whether it was seen before, from statements built once
    (building them cost more than running them); `first_login` looks for a second
    session, not at a count of them all."""
    account, seen_before = uow.session.execute(_PROFILE, {"account_id": account_id}).one()
    offices = access.offices_of(uow.session, account_id)
    return {
        "id": account.id,
        "kind": account.kind,
        "name": account.name,
        "email": account.email,
        "mobile": account.mobile,
        "language": account.language,
        "first_login": not seen_before,
        "second_factor": account.second_factor,
        "offices": [{"id": office_id, "role": role} for office_id, role in offices.items()],
        "active_office_id": account.active_office_id
        if account.active_office_id in offices
        else None,
    }


_PROFILE = select(
    Account,
    # a second session exists: not the first login (read up to two rows)
    select(Session.id)
    .where(Session.account_id == Account.id)
    .limit(1)
    .offset(1)
    .exists()
    .label("seen_before"),
).where(Account.id == bindparam("account_id"))


def set_active_office(uow, principal, office_id):
    """Staff: the office they work in now; NotFound for one they do not work for."""
    access.works_at(uow.session, principal, office_id)
    uow.session.get(Account, principal.account_id).active_office_id = office_id
