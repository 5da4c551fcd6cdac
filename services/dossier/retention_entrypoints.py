"""Mixed into DossierService: ending a client relationship, its retention, and the
timer that erases what has come due (see retention.py)."""

import logging

from nameko.timer import timer

from services.common.service import rpc

from . import accounts, erasure, retention
from .settings import ERASURE_INTERVAL_S

log = logging.getLogger(__name__)
# Whether it was logged that the erasures wait for the sealing backfill (once, not each
# round: a nameko worker's service instance lives for one call only)
_waiting = {"told": False}


class RetentionEntrypoints:
    """Uses the service's store, identity, documents_as_dossier and signing_as_dossier
    proxies."""

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
        documents first, then messages and answers here, and it is recorded as done.
        Idempotent: should a step fail, the timer (or ending the relationship again)
        finishes it."""
        with self.store.unit_of_work() as uow:
            if not erasure.erasure_due_at_once(uow, client_id):
                return
        erased = self.documents_as_dossier.erase_client_documents(client_id)["erased"]
        with self.store.unit_of_work() as uow:
            erasure.erase_at_once(uow, client_id, erased)
            retention.at_once_done(uow, client_id)

    @rpc
    def record_erasure_request(self, client_id):
        """Staff who see the client (after the end: the owner alone) record a request
        for erasure that reached the office another way; it acts as the client's own
        (if the relationship ended, what no law keeps goes now). Asking again keeps the
        first time. -> client_retention's answer. ClientErased after the erasure at
        the end of retention."""
        principal = self.caller.require("staff", write=True)
        with self.store.unit_of_work() as uow:
            retention.record_erasure_request(uow, principal, client_id)
        self._erase_at_once(client_id)
        with self.store.unit_of_work() as uow:
            return retention.retention_of(uow, principal, client_id)

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
        """By one instance at a time: first it finishes the erasure at once of ended
        clients who asked for it where a step failed before (a client that fails again
        is left for the next round, the others go on). Then, for each client whose
        retention ran out, documents shreds the client's keys, signing destroys the
        client's field key and blanks their name, e-mail address and evidence as a
        signer (and each extra account's, current or removed earlier), identity lets go
        of the portal account and its sign-in records (each idempotent; a failure
        leaves it for the next round), then notify is told to
        forget the client's addresses and the personal fields here are blanked, in one
        transaction. While the sealing backfill has rows left (field_backfill.py), the
        erasures at the end of retention wait (retention.sealing_pending). Last, signing is told to erase every erased client it was not told
        of yet as a signer (signer_erased_at: those erased before this was done too)."""
        with self.store.lease("erase_due_clients") as held:
            if not held:
                return
            for client_id in self._each(retention.at_once_pending):
                self._retry_erase_at_once(client_id)
            with self.store.unit_of_work() as uow:
                waiting = retention.sealing_pending(uow)
            if waiting and not _waiting["told"]:
                log.info("erasures at the end of retention wait for the sealing backfill")
            _waiting["told"] = waiting
            for client_id in [] if waiting else self._each(retention.due_for_erasure):
                try:
                    self._erase_due(client_id)
                except Exception as error:  # the next round tries again; ids and codes only
                    code = getattr(error, "code", type(error).__name__)
                    log.warning("erasure of client %s failed: %s", client_id, code)
            for client_id in self._each(retention.signers_pending):
                try:
                    self._erase_signers(client_id)
                    with self.store.unit_of_work() as uow:
                        retention.signers_erased(uow, client_id)
                except Exception as error:  # the next round tries again; ids and codes only
                    code = getattr(error, "code", type(error).__name__)
                    log.warning("erasure of signer %s failed: %s", client_id, code)

    def _each(self, pending):
        """Every client id `pending` (a retention query) gives, a batch per unit of work,
        read on past each batch: clients that fail again do not hold up those after."""
        after = None
        while True:
            with self.store.unit_of_work() as uow:
                batch = pending(uow, after, retention.ROUND_BATCH)
            yield from (client_id for _moment, client_id in batch)
            if len(batch) < retention.ROUND_BATCH:
                return
            after = batch[-1]

    def _erase_due(self, client_id):
        self.documents_as_dossier.shred_client(client_id)
        self._erase_signers(client_id)
        with self.store.unit_of_work() as uow:
            contacts = erasure.identity_contacts(uow, client_id)
        self.identity.erase_client_contacts(contacts)
        with self.store.unit_of_work() as uow:
            erasure.notify_forgets(uow, client_id)  # reads what the next blanks
            retention.erase_client(uow, client_id)

    def _erase_signers(self, client_id):
        """Signing erases the client as a signer, and each extra account of a company,
        current or removed earlier (they sign under their own ids). Idempotent."""
        with self.store.unit_of_work() as uow:
            signers = retention.signer_ids(uow, client_id)
        for signer_id in signers:
            self.signing_as_dossier.erase_signer(signer_id)

    def _retry_erase_at_once(self, client_id):
        try:
            self._erase_at_once(client_id)
        except Exception as error:  # the next round tries again; ids and codes only
            code = getattr(error, "code", type(error).__name__)
            log.warning("erasure at once of client %s failed again: %s", client_id, code)
