"""dossier's entrypoints for clients and their consent (see clients.py). Mixed into
DossierService."""

from services.common.service import rpc

from . import access, clients


class ClientEntrypoints:
    @rpc
    def create_client(self, office_id, type, name, email, mobile=None, language="nl", shared=None):
        """Admin or staff of the office. -> the client; ClientExists, InvalidMobile."""
        principal = self.caller.require("admin", "staff", write=True)
        with self.store.unit_of_work() as uow:
            return clients.create_client(
                uow, principal, office_id, type, name, email, mobile, language, shared
            )

    @rpc
    def list_clients(self, q=None, limit=50, cursor=None):
        """Staff: consenting clients of all their offices, each with office_id. -> {items,
        next_cursor}: a page, by name. ValidationFailed: cursor."""
        principal = self.caller.require("staff")
        with self.store.unit_of_work() as uow:
            return clients.list_clients(uow, self.paging, principal, q, limit, cursor)

    @rpc
    def get_client(self, client_id):
        principal = self.caller.require("staff")
        with self.store.unit_of_work() as uow:
            return clients.describe(access.visible_client(uow, principal, client_id))

    @rpc
    def update_client(self, client_id, changes):
        """ContactLocked for e-mail or mobile once the invitation was accepted. A
        changed e-mail or mobile voids the open invitation and ends the sessions of a
        portal account the record uses (identity), after the change is committed: the
        record no longer leads to that account by then, whatever identity answers."""
        principal = self.caller.require("staff", write=True)
        with self.store.unit_of_work() as uow:
            client, ending = clients.update_client(uow, principal, client_id, changes)
        if ending:
            self.identity.end_sessions_for_contact_change(ending)
        return client

    @rpc
    def list_my_consents(self, limit=50, cursor=None):
        """Client: {items: [{office_id, office_name, shared}], next_cursor}: a page, by
        the office's name."""
        principal = self.caller.require("client")
        with self.store.unit_of_work() as uow:
            return clients.consents(uow, self.paging, principal, limit, cursor)

    @rpc
    def set_my_consent(self, office_id, shared):
        """Takes effect at once for every staff member. Event `consent_changed`."""
        principal = self.caller.require("client", write=True)
        with self.store.unit_of_work() as uow:
            return clients.set_consent(uow, principal, office_id, shared)
