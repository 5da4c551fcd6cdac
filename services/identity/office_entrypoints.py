"""identity's entrypoints for an office's people: its staff (memberships and roles, the
requests to link a person who works elsewhere, the audit trail) and the approval of
their app registrations. Mixed into IdentityService; who may do what is access.py's."""

from datetime import datetime

from services.common.service import rpc

from . import api_keys, registration_approval, staff, staff_list


class OfficeEntrypoints:
    @rpc
    def add_staff(self, office_id, name, email, mobile, role, office=None):
        """Admin (owners only), owner, staff_manager (not above own role). Links an
        existing staff account with the same e-mail when the caller is the admin or
        manages them at another office; else mails them a link to confirm and answers
        as for a new person. Raises RoleAddressNotAllowed, InvalidMobile, EmailInUse,
        AlreadyMember, Forbidden, NotFound. Event `membership_changed`; e-mail
        `staff_added` (or `staff_link_requested`) to the person (`office`: dossier's
        public facts {name, partner_id}, for its text)."""
        principal = self.caller.require("admin", "staff", write=True)
        with self.store.unit_of_work() as uow:
            return staff.add_staff(
                uow,
                principal,
                office_id,
                name,
                email,
                mobile,
                role,
                office or {},
                self.settings.portal_url,
            )

    @rpc
    def confirm_staff_link(self, token):
        """Anonymous: the person confirms an office's request with the e-mailed token.
        -> {office: {name, partner_id}, role}; InvalidToken, TokenExpired, TokenUsed."""
        with self.store.unit_of_work() as uow:
            return staff.confirm_link(uow, token, self.settings.portal_url)

    @rpc
    def list_staff(self, office_id, limit=50, cursor=None):
        """Admin, owner, staff_manager: {items: [{person_id, name, email, mobile, role,
        registration}], next_cursor}: a page, members by name, then the people asked to
        link. ValidationFailed: limit, cursor."""
        principal = self.caller.require("admin", "staff")
        with self.store.unit_of_work() as uow:
            return staff_list.list_staff(uow, self.paging, principal, office_id, limit, cursor)

    @rpc
    def change_staff_role(self, office_id, person_id, role):
        """Not above the caller's own role; an office keeps an owner (LastOwner)."""
        principal = self.caller.require("admin", "staff", write=True)
        with self.store.unit_of_work() as uow:
            return staff.change_role(uow, principal, office_id, person_id, role)

    @rpc
    def remove_staff(self, office_id, person_id):
        """Unlinks the person: their next request to this office is refused."""
        principal = self.caller.require("admin", "staff", write=True)
        with self.store.unit_of_work() as uow:
            staff.remove_staff(uow, principal, office_id, person_id)

    @rpc
    def list_office_audit(self, office_id, limit=50, cursor=None):
        """Admin, owner, staff_manager: registrations, approvals, role changes, removals.
        -> {items, next_cursor}: a page, newest first."""
        principal = self.caller.require("admin", "staff")
        with self.store.unit_of_work() as uow:
            return staff.office_audit(uow, self.paging, principal, office_id, limit, cursor)

    # -- registrations waiting for approval -----------------------------------------------
    @rpc
    def list_registration_requests(self, office_id, limit=50, cursor=None):
        """The registrations at the office that the caller may approve. -> {items: [{id,
        person_id, name, email, role, device, created_at}], next_cursor}: a page, oldest
        first."""
        principal = self.caller.require("admin", "staff")
        with self.store.unit_of_work() as uow:
            return registration_approval.requests_for(
                uow, self.paging, principal, office_id, limit, cursor
            )

    @rpc
    def decide_registration(self, registration_id, approve, reason=None):
        """Approve (e-mail "you can finish") or reject. Forbidden for a caller who may
        not approve this role; NotFound outside the caller's offices."""
        principal = self.caller.require("admin", "staff", write=True)
        with self.store.unit_of_work() as uow:
            registration_approval.decide(uow, principal, registration_id, approve, reason)

    # -- an office system's API keys (api_keys.py) ----------------------------------------
    @rpc
    def create_api_key(self, office_id, name, scopes, expires_at=None):
        """Owner: -> {id, key, name, scopes, expires_at, created_at, ...}, `key` shown
        this once. UnknownScope, TooManyApiKeys, ExpiryOutOfRange."""
        principal = self.caller.require("staff", write=True)
        expires = datetime.fromisoformat(expires_at) if expires_at else None
        with self.store.unit_of_work() as uow:
            return api_keys.create(uow, principal, office_id, name, scopes, expires)

    @rpc
    def list_api_keys(self, office_id):
        """Owner: {items: [{id, name, scopes, expires_at, created_at, last_used_at,
        revoked_at}]}, newest first; never a key."""
        principal = self.caller.require("staff")
        with self.store.unit_of_work() as uow:
            return api_keys.list_for(uow, principal, office_id)

    @rpc
    def api_key_owner(self):
        """An API key: {email, language, name} of the owner who made it (told when a
        webhook the key registered pauses)."""
        principal = self.caller.require("staff")
        with self.store.unit_of_work() as uow:
            return api_keys.owner_of(uow, principal)

    @rpc
    def revoke_api_key(self, office_id, key_id):
        """Owner: the key is refused from now on (event `session_revoked`)."""
        principal = self.caller.require("staff", write=True)
        with self.store.unit_of_work() as uow:
            api_keys.revoke(uow, principal, office_id, key_id)
