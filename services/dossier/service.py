"""dossier: offices, clients and their consent, invitations, dossiers, staff tasks.
Its event handlers (identity's and documents' events) are in subscriptions.py."""

from nameko.dependency_providers import Config
from nameko.timer import timer

from services.common.rpc import TimedRpcProxy
from services.common.service import ServiceBase, rpc
from services.common.settings import env_int
from services.documents.client import BlobTransfer

from . import (
    access,
    accounts,
    audit,
    clients,
    document_facts,
    dossiers,
    invitations,
    portfolio,
    signers,
    tasks,
    use_cases,
)
from .audit_entrypoints import AuditEntrypoints
from .invitation_entrypoints import InvitationEntrypoints
from .message_entrypoints import MessageEntrypoints
from .models import metadata
from .questionnaire_entrypoints import QuestionnaireEntrypoints
from .subscriptions import DossierStore, EventEntrypoints

# How often the backfill of documents' facts looks whether it has work (documents may
# start after dossier); once it is done, each round is one read of `backfills`.
BACKFILL_INTERVAL_S = env_int("DOSSIER_BACKFILL_INTERVAL_S", 10)


class DossierService(
    AuditEntrypoints,
    EventEntrypoints,
    InvitationEntrypoints,
    MessageEntrypoints,
    QuestionnaireEntrypoints,
    ServiceBase,
):
    name = "dossier"
    store = DossierStore(metadata, handlers={"identity.account_activated": invitations.accept})
    identity = TimedRpcProxy("identity", timeout=10, as_service=True)
    documents = TimedRpcProxy("documents", timeout=30)  # carries the caller's principal
    blobs = BlobTransfer()  # the questionnaires' PDFs to documents's blob endpoint
    documents_as_dossier = TimedRpcProxy("documents", timeout=30, as_service=True)
    config = Config()

    def _public_url(self):
        return self.config["KLUIS_PUBLIC_URL"].rstrip("/")

    @rpc
    def create_office(self, partner_id, name, city, label=None):
        """Admin only. -> the office; PartnerIdTaken (409). Event `office_created`."""
        principal = self.caller.require("admin", write=True)
        with self.store.unit_of_work() as uow:
            return use_cases.create_office(uow, principal.account_id, partner_id, name, city, label)

    @rpc
    def list_offices(self, limit=50, cursor=None):
        """Admin: every office; staff: the offices they work for (from the principal).
        -> {items, next_cursor}: a page, by name."""
        principal = self.caller.require("admin", "staff")
        office_ids = None if principal.is_admin else list(principal.offices)
        with self.store.unit_of_work() as uow:
            return use_cases.page_offices(uow, self.paging, office_ids, limit, cursor)

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

    # -- clients and consent -------------------------------------------------------------
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

    # -- dossiers ------------------------------------------------------------------------
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

    @timer(interval=BACKFILL_INTERVAL_S, eager=True)
    def backfill_document_facts(self):
        """Once per deployment (resumable, then a no-op): the documents that existed
        before dossier kept their facts from documents' events, copied from documents a
        page at a time (document_facts.backfill), by one instance at a time."""
        with self.store.lease("backfill_document_facts") as held:
            if held:
                document_facts.backfill(self.store, self.documents_as_dossier.export_document_facts)

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

    # -- the portal account: unlink, look-along, a company's extra accounts -------------
    @rpc
    def unlink_client(self, client_id):
        """The client's portal account, sessions and devices end at once; the office
        keeps its records. Event `client_unlinked`."""
        principal = self.caller.require("staff", write=True)
        with self.store.unit_of_work() as uow:
            ending = accounts.accounts_to_remove(uow, principal, client_id)
        for account_id in ending:  # first: should this fail, nothing is unlinked yet
            self.identity.remove_client_account(account_id, principal.account_id)
        with self.store.unit_of_work() as uow:
            accounts.unlink(uow, principal, client_id)

    @rpc
    def look_along(self, client_id):
        """-> {token}: a read-only session that sees what the client sees; recorded in
        the client's audit trail."""
        principal = self.caller.require("staff", write=True)
        with self.store.unit_of_work() as uow:  # recorded first: never a session unaudited
            account_id, office_id = accounts.look_along_target(uow, principal, client_id)
        return self.identity.open_look_along(
            account_id, principal.account_id, office_id, principal.source_ip, principal.user_agent
        )

    @rpc
    def list_my_companies(self):
        """Client: the companies whose main account they are (who manage extra
        accounts) -> [{id, name, office_id, office_name}]."""
        principal = self.caller.require("client")
        with self.store.unit_of_work() as uow:
            return accounts.my_companies(uow, principal)

    @rpc
    def list_extra_accounts(self, company_id=None, limit=50, cursor=None):
        """Company main account: the extra accounts of `company_id`, which may be left
        out by the main account of one company only (else CompanyRequired). -> {items,
        next_cursor}: a page, by name."""
        principal = self.caller.require("client")
        with self.store.unit_of_work() as uow:
            return accounts.list_extra_accounts(
                uow, self.paging, principal, company_id, limit, cursor
            )

    @rpc
    def get_extra_account(self, child_id):
        principal = self.caller.require("client")
        with self.store.unit_of_work() as uow:
            return accounts.get_extra_account(uow, principal, child_id)

    @rpc
    def add_extra_account(self, name, email, mobile=None, language="nl", company_id=None):
        """Company main account: an extra account of `company_id` (as in
        list_extra_accounts), invited like any client account."""
        principal = self.caller.require("client", write=True)
        with self.store.unit_of_work() as uow:
            child = accounts.add_extra_account(
                uow, principal, name, email, mobile, language, company_id
            )
            invitations.send_invitation(uow, principal, child, self._public_url())
            return accounts.get_extra_account(uow, principal, child.id)

    @rpc
    def remove_extra_account(self, child_id):
        principal = self.caller.require("client", write=True)
        with self.store.unit_of_work() as uow:
            account_id = accounts.extra_account_login(uow, principal, child_id)
        if account_id:
            self.identity.remove_client_account(account_id, principal.account_id)
        with self.store.unit_of_work() as uow:
            accounts.remove_extra_account(uow, principal, child_id)

    # -- products and mortgage applications ----------------------------------------------
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

    # -- staff tasks ---------------------------------------------------------------------
    @rpc
    def list_tasks(self, status="open", limit=50, cursor=None):
        """Staff: the tasks of their offices for the clients they may see (consent
        applied), newest first. `status` open (default), done or all; else
        ValidationFailed. -> {items: [{id, type (review_upload | answer_message),
        office_id, dossier_id, client_id, request_id, message_id, status, created_at,
        done_at, done_by}], next_cursor}, a page."""
        principal = self.caller.require("staff")
        with self.store.unit_of_work() as uow:
            return tasks.list_tasks(uow, self.paging, principal, status, limit, cursor)

    @rpc
    def complete_task(self, task_id):
        """Staff: marks the task done by the caller. -> the task (unchanged when done
        already); NotFound for another office's task or a client who does not share."""
        principal = self.caller.require("staff", write=True)
        with self.store.unit_of_work() as uow:
            return tasks.complete_task(uow, principal, task_id)
