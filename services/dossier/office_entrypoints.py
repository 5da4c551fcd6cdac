"""dossier's entrypoints for offices (see offices.py). Mixed into DossierService."""

from services.common.service import rpc

from . import offices


class OfficeEntrypoints:
    @rpc
    def create_office(self, partner_id, name, city, label=None):
        """Admin only. -> the office; PartnerIdTaken (409). Event `office_created`."""
        principal = self.caller.require("admin", write=True)
        with self.store.unit_of_work() as uow:
            return offices.create_office(uow, principal.account_id, partner_id, name, city, label)

    @rpc
    def list_offices(self, limit=50, cursor=None):
        """Admin: every office; staff: the offices they work for (from the principal).
        -> {items, next_cursor}: a page, by name."""
        principal = self.caller.require("admin", "staff")
        office_ids = None if principal.is_admin else list(principal.offices)
        with self.store.unit_of_work() as uow:
            return offices.page_offices(uow, self.paging, office_ids, limit, cursor)

    @rpc
    def lookup_offices(self, office_ids=None, partner_id=None):
        """For other services and the gateway: the public facts (id, partner ID, name,
        city) of the given offices, or of the one with `partner_id`. No principal needed:
        these facts are what staff type into the app to register."""
        with self.store.unit_of_work() as uow:
            if partner_id is not None:
                office = offices.find_by_partner_id(uow, partner_id)
                return [office] if office else []
            return offices.list_offices(uow, office_ids or [])
