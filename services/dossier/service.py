"""dossier: offices (and, with their issues, clients, consent and dossiers)."""
from services.common.errors import NotFound
from services.common.service import ServiceBase, rpc
from services.common.store import Store

from . import use_cases
from .models import metadata


class DossierService(ServiceBase):
    name = "dossier"
    store = Store(metadata)

    @rpc
    def create_office(self, partner_id, name, city, label=None):
        """Admin only. -> the office; PartnerIdTaken (409). Event `office_created`."""
        principal = self.caller.require("admin", write=True)
        with self.store.unit_of_work() as uow:
            return use_cases.create_office(uow, principal.account_id, partner_id, name, city,
                                           label)

    @rpc
    def list_offices(self):
        """Admin: every office; staff: the offices they work for (from the principal)."""
        principal = self.caller.require("admin", "staff")
        office_ids = None if principal.is_admin else list(principal.offices)
        with self.store.unit_of_work() as uow:
            return use_cases.list_offices(uow, office_ids)

    @rpc
    def lookup_offices(self, office_ids=None, partner_id=None):
        """For other services and the gateway: the public facts (id, partner ID, name,
        city) of the given offices, or of the one with `partner_id`. No principal needed:
        these facts are what staff type into the app to register."""
        with self.store.unit_of_work() as uow:
            if partner_id is not None:
                office = use_cases.find_by_partner_id(uow, partner_id)
                return [office] if office else []
            return use_cases.list_offices(uow, office_ids or [])

    @rpc
    def describe_office(self, office_id):
        """Admin, or staff of that office; NotFound otherwise."""
        principal = self.caller.require("admin", "staff")
        if not principal.is_admin and office_id not in principal.offices:
            raise NotFound()
        with self.store.unit_of_work() as uow:
            offices = use_cases.list_offices(uow, [office_id])
        if not offices:
            raise NotFound()
        return offices[0]
