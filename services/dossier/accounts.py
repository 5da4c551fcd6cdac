"""The client's portal account as the office sees it: unlink, look-along, and a
company's extra accounts."""

from sqlalchemy import func, select

from services.common.db import new_id, utcnow
from services.common.errors import Forbidden, NotFound
from services.common.sealed_columns import shred_owner

from . import audit
from .access import visible_client
from .clients import by_name, describe, email_in_use, flush_or, normalised_mobile
from .events import ClientUnlinked
from .exceptions import ClientExists, CompanyRequired, NotInvited
from .models import Client, ClientFieldKey, Office


def accounts_to_remove(uow, principal, client_id):
    """-> the portal accounts that unlinking this client ends in identity: its own and
    those of a company's extra accounts, each unless another record (another office)
    still uses it."""
    if principal.kind != "staff":
        raise Forbidden()
    client = visible_client(uow, principal, client_id)
    if client.account_id is None:
        raise NotInvited()
    records = [client] + uow.session.scalars(
        select(Client).where(Client.parent_id == client.id, Client.account_id.is_not(None))
    ).all()
    return [r.account_id for r in records if only_user(uow, r)]


def only_user(uow, record):
    """Is this the only client record that uses its portal account?"""
    return (
        uow.session.scalar(
            select(func.count()).select_from(Client).where(Client.account_id == record.account_id)
        )
        == 1
    )


def unlink(uow, principal, client_id):
    """The office keeps its records (a company's extra accounts lose their access too);
    inviting again later works."""
    client = visible_client(uow, principal, client_id, lock=True)
    account_id = client.account_id
    if account_id is None:
        raise NotInvited()
    for record in [client] + uow.session.scalars(
        select(Client).where(Client.parent_id == client.id)
    ).all():
        record.account_id, record.invitation_status = None, "not_invited"
        record.invitation_token_hash = record.invited_at = record.accepted_at = None
        record.invitation_email = record.pending_account_id = None
    audit.record(uow, principal, "portal_unlinked", client.id, "client", client.id)
    uow.emit(
        ClientUnlinked(client_id=client.id, office_id=client.office_id, account_id=account_id),
        actor=principal.account_id,
    )


def look_along_target(uow, principal, client_id):
    """-> (the client's account, the office), for a staff member who sees the client;
    recorded in the client's trail (which every dossier of the client's shows too)."""
    if principal.kind != "staff":
        raise Forbidden()
    client = visible_client(uow, principal, client_id)
    if client.account_id is None:
        raise NotInvited()
    audit.record(uow, principal, "look_along", client.id, "client", client.id)
    return client.account_id, client.office_id


def _companies(principal):
    query = select(Client).where(
        Client.account_id == principal.account_id,
        Client.type == "company",
        Client.parent_id.is_(None),
    )
    if principal.scope_office_id:
        query = query.where(Client.office_id == principal.scope_office_id)
    return query


def my_companies(uow, principal):
    """The companies whose main account the caller is: [{id, name, office_id,
    office_name}] (a person: none), by name (sealed: sorted here)."""
    rows = uow.session.execute(
        _companies(principal).add_columns(Office.name).join(Office, Office.id == Client.office_id)
    ).all()
    return [
        {"id": c.id, "name": c.name, "office_id": c.office_id, "office_name": office_name}
        for c, office_name in sorted(rows, key=lambda row: by_name(row[0]))
    ]


def _company(uow, principal, company_id=None):
    """The company the caller acts for: the one named (NotFound unless the caller is its
    main account), or their only one. Someone who is the main account of several must
    name it: CompanyRequired, with the companies to choose from. No company: Forbidden."""
    companies = sorted(uow.session.scalars(_companies(principal)).all(), key=by_name)
    if not companies:
        raise Forbidden()
    if company_id is not None:
        for company in companies:
            if company.id == company_id:
                return company
        raise NotFound()
    if len(companies) > 1:
        raise CompanyRequired({"companies": my_companies(uow, principal)})
    return companies[0]


def list_extra_accounts(uow, pager, principal, company_id=None, limit=50, cursor=None):
    """A page of the company's extra accounts, by name (sealed: read by parent_id,
    sorted here)."""
    company = _company(uow, principal, company_id)
    children, next_cursor = pager.page_in_memory(
        uow.session.scalars(select(Client).where(Client.parent_id == company.id)).all(),
        by_name,
        limit,
        cursor,
        scope=f"extra-accounts:{company.id}",
    )
    return {"items": [_extra(c) for c in children], "next_cursor": next_cursor}


def get_extra_account(uow, principal, account_id):
    return _extra(_child(uow, principal, account_id))


def add_extra_account(uow, principal, name, email, mobile=None, language="nl", company_id=None):
    """-> the new extra account's record; the caller then invites it like any client."""
    company = _company(uow, principal, company_id)
    email = email.strip().lower()
    if email_in_use(uow, company.office_id, email):
        raise ClientExists()
    child = Client(
        id=new_id(),
        office_id=company.office_id,
        type="person",
        parent_id=company.id,
        name=name.strip(),
        email=email,
        mobile=normalised_mobile(mobile),
        language=language,
        shared=company.shared,
        invitation_status="not_invited",
        created_by=principal.account_id,
        created_at=utcnow(),
    )
    uow.session.add(child)
    flush_or(uow, ClientExists)
    audit.record(uow, principal, "extra_account_added", company.id, "client", child.id)
    return child


def remove_extra_account(uow, principal, child_id):
    child = _child(uow, principal, child_id)
    audit.record(uow, principal, "extra_account_removed", child.parent_id, "client", child.id)
    shred_owner(uow.session, ClientFieldKey, child.id)  # what was sealed under it goes too
    uow.session.delete(child)


def extra_account_login(uow, principal, child_id):
    """-> the portal account to remove with this extra account: None when it was never
    linked, or when another record (another office) still uses it."""
    child = _child(uow, principal, child_id)
    return child.account_id if child.account_id and only_user(uow, child) else None


def _child(uow, principal, child_id):
    """An extra account of any company whose main account the caller is (its own id
    names the company)."""
    companies = {c.id for c in uow.session.scalars(_companies(principal))}
    child = uow.session.get(Client, child_id)
    if not companies:
        raise Forbidden()
    if child is None or child.parent_id not in companies:
        raise NotFound()
    return child


def _extra(child):
    return {**describe(child), "company_id": child.parent_id, "invitation": child.invitation_status}
