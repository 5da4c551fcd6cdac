"""Products (mortgage, life insurance) and mortgage applications of a client."""

from sqlalchemy import select

from services.common.db import new_id, utcnow
from services.common.errors import Forbidden, NotFound
from services.common.paging import asc, desc

from . import audit
from .access import client_clause, visible_client
from .models import Client, MortgageApplication, Office, Product

APPLICATION_STATUSES = ("running", "approved", "rejected", "withdrawn")


def add_product(
    uow, principal, client_id, kind, provider=None, number=None, amount_cents=None, start_date=None
):
    if principal.kind != "staff":
        raise Forbidden()
    client = visible_client(uow, principal, client_id)
    product = Product(
        id=new_id(),
        client_id=client.id,
        kind=kind,
        provider=provider,
        number=number,
        amount_cents=amount_cents,
        start_date=start_date,
        created_by=principal.account_id,
        created_at=utcnow(),
    )
    uow.session.add(product)
    audit.record(uow, principal, "product_added", client.id, "product", product.id)
    return _product(product)


def list_products(uow, pager, principal, client_id, limit=50, cursor=None):
    """A page of the client's products, oldest first (ix_products_client_created)."""
    client = visible_client(uow, principal, client_id)
    products, next_cursor = pager.page(
        uow.session,
        select(Product).where(Product.client_id == client.id),
        [asc(Product.created_at), asc(Product.id)],
        limit,
        cursor,
        scope=f"products:{client.id}",
    )
    return {"items": [_product(p) for p in products], "next_cursor": next_cursor}


def my_products(uow, pager, principal, limit=50, cursor=None):
    """A page of a client's own products across their offices (a look-along session: the
    looking office's only), newest first (ix_products_client_created, per record)."""
    rows, next_cursor = pager.page(
        uow.session,
        select(Product, Office.name)
        .join(Client, Client.id == Product.client_id)
        .join(Office, Office.id == Client.office_id)
        .where(client_clause(uow, principal)),
        [desc(Product.created_at), desc(Product.id)],
        limit,
        cursor,
        scope=f"my-products:{principal.account_id}:{principal.scope_office_id or ''}",
    )
    return {
        "items": [
            {**_product(product), "office_name": office_name} for product, office_name in rows
        ],
        "next_cursor": next_cursor,
    }


def _product(product):
    return {
        "id": product.id,
        "client_id": product.client_id,
        "kind": product.kind,
        "provider": product.provider,
        "number": product.number,
        "amount_cents": product.amount_cents,
        "start_date": product.start_date,
        "created_at": product.created_at.isoformat(),
    }


def _client_for_application(uow, principal, client_id):
    """Staff who see the client, or the admin (the lender) for any client."""
    if principal.kind == "admin":
        client = uow.session.get(Client, client_id)
        if client is None:
            raise NotFound()
        return client
    if principal.kind != "staff":
        raise Forbidden()
    return visible_client(uow, principal, client_id)


def open_application(uow, principal, client_id, amount_cents, lender=None):
    client = _client_for_application(uow, principal, client_id)
    now = utcnow()
    application = MortgageApplication(
        id=new_id(),
        client_id=client.id,
        office_id=client.office_id,
        amount_cents=amount_cents,
        lender=lender,
        status="running",
        created_by=principal.account_id,
        created_at=now,
        updated_at=now,
    )
    uow.session.add(application)
    audit.record(
        uow,
        principal,
        "mortgage_application_opened",
        client.id,
        "mortgage_application",
        application.id,
    )
    return _application(application, client)


def set_application_status(uow, principal, application_id, status):
    application = uow.session.get(MortgageApplication, application_id, with_for_update=True)
    if application is None:
        raise NotFound()
    client = _client_for_application(uow, principal, application.client_id)
    application.status, application.updated_at = status, utcnow()
    audit.record(
        uow,
        principal,
        f"mortgage_application_{status}",
        client.id,
        "mortgage_application",
        application.id,
    )
    return _application(application, client)


def list_applications(uow, pager, principal, status="running", limit=50, cursor=None):
    """A page, newest first, across the caller's offices, consent applied
    (ix_mortgage_applications_office_status_created); the admin: every office
    (_status_created); a client: their own records and their company's (by client_id)."""
    query = (
        select(MortgageApplication, Client, Office.name)
        .join(Client, Client.id == MortgageApplication.client_id)
        .join(Office, Office.id == MortgageApplication.office_id)
    )
    if principal.kind == "staff":
        query = query.where(
            MortgageApplication.office_id.in_(list(principal.offices)),
            client_clause(uow, principal),
        )
    elif principal.kind == "client":
        query = query.where(client_clause(uow, principal))
    elif principal.kind != "admin":
        raise Forbidden()
    if status != "all":
        query = query.where(MortgageApplication.status == status)
    rows, next_cursor = pager.page(
        uow.session,
        query,
        [desc(MortgageApplication.created_at), desc(MortgageApplication.id)],
        limit,
        cursor,
        scope=f"applications:{principal.account_id}:{principal.scope_office_id or ''}:{status}",
    )
    return {
        "items": [{**_application(a, c), "office_name": name} for a, c, name in rows],
        "next_cursor": next_cursor,
    }


def _application(application, client):
    return {
        "id": application.id,
        "client_id": client.id,
        "client_name": client.name,
        "office_id": application.office_id,
        "amount_cents": application.amount_cents,
        "lender": application.lender,
        "status": application.status,
        "created_at": application.created_at.isoformat(),
        "updated_at": application.updated_at.isoformat(),
    }
