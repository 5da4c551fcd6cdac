"""dossier's entrypoints for products and mortgage applications (see portfolio.py).
Mixed into DossierService."""

from services.common.service import rpc

from . import portfolio


class PortfolioEntrypoints:
    @rpc
    def add_product(self, client_id, kind, **details):
        principal = self.caller.require("staff", write=True)
        with self.store.unit_of_work() as uow:
            return portfolio.add_product(uow, principal, client_id, kind, **details)

    @rpc
    def list_products(self, client_id, limit=50, cursor=None):
        """Staff who see the client. -> {items, next_cursor}: a page, oldest first."""
        principal = self.caller.require("staff")
        with self.store.unit_of_work() as uow:
            return portfolio.list_products(uow, self.paging, principal, client_id, limit, cursor)

    @rpc
    def open_mortgage_application(self, client_id, amount_cents, lender=None):
        """Admin or staff. -> {id, status: running, ...}"""
        principal = self.caller.require("admin", "staff", write=True)
        with self.store.unit_of_work() as uow:
            return portfolio.open_application(uow, principal, client_id, amount_cents, lender)

    @rpc
    def set_mortgage_application_status(self, application_id, status):
        principal = self.caller.require("admin", "staff", write=True)
        with self.store.unit_of_work() as uow:
            return portfolio.set_application_status(uow, principal, application_id, status)

    @rpc
    def list_my_products(self, limit=50, cursor=None):
        """Client: the products of their own records (and their company's), each with
        the office's name. -> {items, next_cursor}: a page, newest first."""
        principal = self.caller.require("client")
        with self.store.unit_of_work() as uow:
            return portfolio.my_products(uow, self.paging, principal, limit, cursor)

    @rpc
    def list_mortgage_applications(self, status="running", limit=50, cursor=None):
        """Staff: across the caller's offices, consent applied; admin: every office;
        client: their own (and their company's), so that they can follow them. -> {items,
        next_cursor}: a page, newest first."""
        principal = self.caller.require("admin", "staff", "client")
        with self.store.unit_of_work() as uow:
            return portfolio.list_applications(uow, self.paging, principal, status, limit, cursor)
