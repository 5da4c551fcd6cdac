"""Mixed into DossierService: ending a client relationship, its retention, and the
timer that erases what has come due (see retention.py)."""

from nameko.timer import timer

from services.common.service import rpc

from . import accounts, erasure, retention
from .settings import ERASURE_INTERVAL_S


class RetentionEntrypoints:
    """Uses the service's store, identity and documents_as_dossier proxies."""

    @rpc
    def end_client_relationship(self, client_id):
        """The office's owner: the portal account is unlinked at once (if it still was
        linked) and the retention clock starts. -> {client_id, ended_at, erase_at,
        erased, erased_at, legal_ground}. Forbidden for other staff."""
        principal = self.caller.require("staff", write=True)
        with self.store.unit_of_work() as uow:
            linked = retention.owned_client(uow, principal, client_id).account_id
        if linked:
            with self.store.unit_of_work() as uow:
                ending = accounts.accounts_to_remove(uow, principal, client_id)
            for account_id in ending:  # first: should this fail, nothing is unlinked yet
                self.identity.remove_client_account(account_id, principal.account_id)
            with self.store.unit_of_work() as uow:
                accounts.unlink(uow, principal, client_id)
        with self.store.unit_of_work() as uow:
            ended = retention.end_relationship(
                uow, principal, client_id, self.settings.retention_s, linked
            )
        self._erase_at_once(client_id)
        return ended

    def _erase_at_once(self, client_id):
        """If the client asked for erasure, what no law keeps goes now (erasure.py):
        documents first, then messages and answers here. Idempotent: ending the
        relationship again finishes what a failure left."""
        with self.store.unit_of_work() as uow:
            if not erasure.erasure_due_at_once(uow, client_id):
                return
        erased = self.documents_as_dossier.erase_client_documents(client_id)["erased"]
        with self.store.unit_of_work() as uow:
            erasure.erase_at_once(uow, client_id, erased)

    @rpc
    def client_retention(self, client_id):
        """Staff who see the client (after the end: the owner alone): whether the client
        asked for erasure, what is kept, until when, and why."""
        principal = self.caller.require("staff")
        with self.store.unit_of_work() as uow:
            return retention.retention_of(uow, principal, client_id)

    @rpc
    def request_erasure(self):
        """The client asks each of their offices to erase their data. -> my_erasure."""
        principal = self.caller.require("client", write=True)
        with self.store.unit_of_work() as uow:
            return retention.request_erasure(uow, principal)

    @rpc
    def my_erasure(self):
        """The client: their request per office, and what the law keeps."""
        principal = self.caller.require("client")
        with self.store.unit_of_work() as uow:
            return retention.my_erasure(uow, principal)

    @timer(interval=ERASURE_INTERVAL_S, eager=True)
    def erase_due_clients(self):
        """By one instance at a time: for each client whose retention ran out, documents
        shreds the client's key first, identity lets go of the portal account and its
        sign-in records (each idempotent; a failure leaves it for the next round), then
        the personal fields here are blanked."""
        with self.store.lease("erase_due_clients") as held:
            if not held:
                return
            with self.store.unit_of_work() as uow:
                due = retention.due_for_erasure(uow)
            for client_id in due:
                self.documents_as_dossier.shred_client(client_id)
                with self.store.unit_of_work() as uow:
                    contacts = erasure.identity_contacts(uow, client_id)
                self.identity.erase_client_contacts(contacts)
                with self.store.unit_of_work() as uow:
                    retention.erase_client(uow, client_id)
