"""dossier's entrypoints for dossiers: their lists, tabs and audit trail, the client's
home, and what documents and signing ask about them (see dossiers.py, signers.py).
Mixed into DossierService."""

from nameko.timer import timer

from services.common.service import rpc

from . import access, audit, document_facts, dossiers, field_backfill, signers
from .settings import BACKFILL_INTERVAL_S


class DossierEntrypoints:
    @rpc
    def create_dossier(self, client_id, number, description, status="in_progress"):
        principal = self.caller.require("staff", write=True)
        with self.store.unit_of_work() as uow:
            return dossiers.create_dossier(uow, principal, client_id, number, description, status)

    @rpc
    def list_dossiers(self, q=None, status="in_progress", limit=50, cursor=None):
        """Client: their own; staff: those of the clients they may see. -> {items,
        next_cursor}: a page, newest first, each item with `unread` {documents,
        correspondence, messages} for the caller. ValidationFailed: cursor."""
        principal = self.caller.require("staff", "client")
        with self.store.unit_of_work() as uow:
            return dossiers.list_dossiers(uow, self.paging, principal, q, status, limit, cursor)

    @rpc
    def visible_dossier_ids(self):
        """-> the ids of the dossiers the caller may see (documents' and signing's lists
        across dossiers): one indexed query."""
        principal = self.caller.require("staff", "client")
        with self.store.unit_of_work() as uow:
            return access.visible_dossier_ids(uow, principal)

    @rpc
    def get_dossier(self, dossier_id):
        """-> the dossier with `tabs` {documents: {total, unread}, correspondence: {total,
        unread}, delivered_by_me: {total}, messages: {total, unread}} for the caller;
        NotFound unless the caller sees it. Audited (`dossier_viewed`)."""
        principal = self.caller.require("staff", "client")
        with self.store.unit_of_work() as uow:
            return dossiers.get_dossier(uow, principal, dossier_id)

    @rpc
    def update_dossier(self, dossier_id, changes):
        principal = self.caller.require("staff", write=True)
        with self.store.unit_of_work() as uow:
            return dossiers.update_dossier(uow, principal, dossier_id, changes)

    @rpc
    def check_dossier_access(self, dossier_id):
        """For documents, with the END USER's principal in the context: may this staff
        member or client see the dossier? -> {dossier_id, office_id, client_id, number,
        status, as: "staff"|"client"}; NotFound otherwise (also for admins, who do not see
        dossiers). Not audited: the caller audits what the user then does."""
        principal = self.caller.require("staff", "client", "admin")
        with self.store.unit_of_work() as uow:
            return dossiers.access(uow, principal, dossier_id)

    @rpc
    def signer_for(self, dossier_id, signer_id):
        """For signing, with the staff member's principal: may `signer_id` (a client
        record) sign in this dossier? -> {client_id, account_id, name, email, language,
        office_name, dossier_number}; InvalidSigner, SignerHasNoAccount, NotFound."""
        principal = self.caller.require("staff")
        with self.store.unit_of_work() as uow:
            return signers.signer_for(uow, principal, dossier_id, signer_id)

    @rpc
    def dossier_facts(self, dossier_id):
        """Services only (signing's reminders): {office_name, dossier_number}."""
        self.caller.require_service("signing")
        with self.store.unit_of_work() as uow:
            return signers.dossier_facts(uow, dossier_id)

    @rpc
    def dossier_audit(self, dossier_id, limit=50, cursor=None):
        """Staff who see the dossier: {items: [{at, actor, action, object}], next_cursor},
        a page, newest first."""
        principal = self.caller.require("staff")
        with self.store.unit_of_work() as uow:
            return dossiers.dossier_audit(uow, self.paging, principal, dossier_id, limit, cursor)

    @rpc
    def my_audit(self, limit=50, cursor=None):
        """Client: a page of the trail of their own data, look-along sessions included."""
        principal = self.caller.require("client")
        with self.store.unit_of_work() as uow:
            return audit.for_client_account(uow, self.paging, principal, limit, cursor)

    @rpc
    def client_home(self):
        principal = self.caller.require("client")
        with self.store.unit_of_work() as uow:
            return dossiers.home(uow, principal)

    @rpc
    def client_actions(self, limit=50, cursor=None):
        """Client: their open questionnaires as actions. -> {items, next_cursor}: a page,
        oldest first."""
        principal = self.caller.require("client")
        with self.store.unit_of_work() as uow:
            return dossiers.open_actions(uow, self.paging, principal, limit, cursor)

    @timer(interval=BACKFILL_INTERVAL_S, eager=True)
    def backfill_document_facts(self):
        """Once per deployment (resumable, then a no-op): the documents that existed
        before dossier kept their facts from documents' events, copied from documents a
        page at a time (document_facts.backfill), by one instance at a time."""
        with self.store.lease("backfill_document_facts") as held:
            if held:
                document_facts.backfill(self.store, self.documents_as_dossier.export_document_facts)

    @timer(interval=BACKFILL_INTERVAL_S, eager=True)
    def backfill_sealed_fields(self):
        """Until done, once per deployment: the personal fields written before they were
        sealed get sealed (field_backfill.py)."""
        field_backfill.SEALING.round(self.store)
