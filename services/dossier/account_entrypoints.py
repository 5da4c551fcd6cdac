"""dossier's entrypoints for the portal account: unlink, look-along, a company's extra
accounts (see accounts.py). Mixed into DossierService.

What identity does (end sessions, remove an account, open a look-along session) is
asked between transactions, never inside one."""

from services.common.service import rpc

from . import accounts, invitations


class AccountEntrypoints:
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
            invitations.send_invitation(uow, principal, child, self.settings.public_url)
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
