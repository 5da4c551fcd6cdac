"""dossier's entrypoints for the portal invitation (see invitations.py). Mixed into
DossierService.

Redeeming a link asks identity to prepare the account between two transactions (no
transaction waits on an RPC); the second checks the link again before linking."""

from services.common.service import rpc

from . import invitations


class InvitationEntrypoints:
    @rpc
    def invite_client(self, client_id):
        """E-mail 1 with an activation link (also to resend). InvitationAlreadyAccepted."""
        principal = self.caller.require("staff", write=True)
        with self.store.unit_of_work() as uow:
            return invitations.invite(uow, principal, client_id, self.settings.public_url)

    @rpc
    def get_invitation(self, client_id):
        principal = self.caller.require("staff")
        with self.store.unit_of_work() as uow:
            return invitations.invitation_of(uow, principal, client_id)

    @rpc
    def start_activation(self, token, email):
        """Anonymous: the link from e-mail 1 and the address it was sent to (else
        InvalidToken; TokenExpired). identity prepares the account: a new one gets
        e-mail 2 (and an SMS code when a mobile is on file); an existing one is only
        asked (e-mail `link_request`; its holder answers in the portal)."""
        with self.store.unit_of_work() as uow:
            client = invitations.check_activation(uow, token, email)
        account = self.identity.prepare_client_account(
            client["email"], client["name"], client["mobile"], client["language"]
        )
        with self.store.unit_of_work() as uow:
            invitations.link_account(
                uow,
                token,
                email,
                account["account_id"],
                account["existing"],
                self.settings.public_url,
            )

    @rpc
    def list_my_link_requests(self, limit=50, cursor=None):
        """Client: the offices that ask to link the caller's existing account (they
        redeemed an invitation with it) -> {items: [{id, office_id, office_name, name,
        type, company, sent_at}], next_cursor}: a page, oldest first."""
        principal = self.caller.require("client")
        with self.store.unit_of_work() as uow:
            return invitations.requests_for(uow, self.paging, principal, limit, cursor)

    @rpc
    def answer_link_request(self, client_id, accepted):
        """Client: accept (the office sees the account from now on) or decline an
        office's request. -> {id, status}; NotFound for anything not asked of them."""
        principal = self.caller.require("client", write=True)
        with self.store.unit_of_work() as uow:
            return invitations.answer(uow, principal, client_id, bool(accepted))
