"""identity: accounts, credentials, sessions.

Entrypoints parse, call a use case inside one transaction, and return plain data.
The caller's principal (from the gateway) is in `self.caller`; who may see or change
what is access.py's. The entrypoints for an office's staff and the app's registration
and devices are in office_entrypoints.py and device_entrypoints.py."""

from nameko.timer import timer

from services.common.audit_entrypoints import AuditCheckpoints
from services.common.context import sign
from services.common.schemas import load
from services.common.service import ServiceBase, rpc
from services.common.settings_dependency import Settings
from services.common.store import Store

from . import (
    accounts,
    activation,
    api_keys,
    backfill,
    edge,
    export_principal,
    password_login,
    passwords,
    profile,
    second_factor,
    sessions,
)
from .device_entrypoints import DeviceEntrypoints
from .hashing import Hashing
from .models import metadata
from .office_entrypoints import OfficeEntrypoints
from .schemas import MeUpdate
from .settings import SEAL_INTERVAL_S, SWEEP_INTERVAL_S, IdentitySettings


class IdentityService(AuditCheckpoints, OfficeEntrypoints, DeviceEntrypoints, ServiceBase):
    name = "identity"
    audit_metadata = metadata  # the audit chain (services/common/audit_entrypoints.py)
    store = Store(metadata, seals_fields=True)  # accounts' personal fields (models.Account)
    settings = Settings(IdentitySettings)
    hashing = Hashing()  # argon2 in its own few OS threads (hashing.py)

    @timer(interval=SWEEP_INTERVAL_S)
    def sweep(self):
        """Registrations never finished within REGISTRATION_LIFETIME_S, expired PC
        sign-ins, challenges and staff links, and full rate buckets are deleted."""
        edge.sweep_once(self.store, self.settings.registration_lifetime)

    @timer(interval=SEAL_INTERVAL_S, eager=True)
    def seal_old_accounts(self):
        """Accounts written before their fields were sealed are sealed, in batches, by
        one instance at a time (backfill.py)."""
        backfill.seal_old_accounts_once(self.store)

    @rpc
    def login(self, email, password, source_ip=None, user_agent=None):
        """Password login. -> {token, idle_timeout_s, warning_s}, or {two_factor_required,
        challenge_id, method, code_sent?}. Raises InvalidCredentials alike for an unknown
        e-mail, a wrong password and a locked account; RateLimited after too many misses
        from the address or at the account (guard.py). Every attempt is recorded; the 10th
        miss in a row from one address locks that address out of the account for 15
        minutes (event `account_locked`, e-mail to its owner)."""
        return password_login.login(
            self.store,
            self.settings.clock,
            self.settings.policy,
            email,
            password,
            source_ip,
            user_agent,
            self.settings.portal_url,
        )

    @rpc
    def login_second_step(self, challenge_id, code=None, recovery_code=None):
        """The code (SMS or TOTP) or a recovery code for a sign-in that needs a second
        step. -> {token, ...}; InvalidCode (401) for anything wrong. Ten misses in a
        row, across challenges, lock the account (e-mail `account_locked`)."""
        with self.store.unit_of_work() as uow:
            return second_factor.finish_login(
                uow,
                self.settings.clock,
                self.settings.policy,
                challenge_id,
                code,
                recovery_code,
                self.settings.portal_url,
            )

    @rpc
    def start_sms_second_step(self, mobile):
        """Client: texts a code to `mobile`; confirm it to switch the second step on.
        RateLimited beyond 3 codes an hour to one number (and limits per account and
        source address)."""
        principal = self.caller.require("client", write=True)
        with self.store.unit_of_work() as uow:
            second_factor.start_sms(uow, self.settings.policy, principal, mobile)

    @rpc
    def start_totp_second_step(self):
        """Admin: -> {secret, otpauth_uri} for an authenticator app."""
        principal = self.caller.require("admin", write=True)
        with self.store.unit_of_work() as uow:
            return second_factor.start_totp(uow, principal)

    @rpc
    def confirm_second_step(self, method, code):
        """-> the recovery codes, shown once. InvalidCode (422) for a wrong code."""
        principal = self.caller.require("client" if method == "sms" else "admin", write=True)
        with self.store.unit_of_work() as uow:
            return second_factor.confirm(uow, principal, method, code)

    @rpc
    def disable_second_step(self, password=None):
        """Turns the second step off; needs the account's password (WrongPassword, a miss
        counted like a sign-in's). Every other session of the account ends."""
        principal = self.caller.require("client", "admin", write=True)
        second_factor.disable(self.store, self.settings.policy, principal, password or "")

    @rpc
    def open_look_along(self, account_id, staff_id, office_id, source_ip=None, user_agent=None):
        """For dossier, which checked that staff member `staff_id` sees this client at
        `office_id`: -> a read-only session of the client's account, limited to that
        office, ending when the staff member leaves it (and after 30 minutes)."""
        self.caller.require_service("dossier")
        with self.store.unit_of_work() as uow:
            return sessions.open_look_along(
                uow, self.settings.clock, account_id, staff_id, office_id, source_ip, user_agent
            )

    @rpc
    def remove_client_account(self, account_id, actor_id):
        """For dossier (unlink, a company removing an extra account): the portal
        account, its sessions and devices go."""
        self.caller.require_service("dossier")
        with self.store.unit_of_work() as uow:
            accounts.remove_client_account(uow, actor_id, account_id)

    @rpc
    def erase_client_contacts(self, emails):
        """For dossier, when a client's retention ended: the client accounts under these
        addresses (no other office uses them) and their sign-in records go."""
        self.caller.require_service("dossier")
        with self.store.unit_of_work() as uow:
            return accounts.erase_client_contacts(uow, None, list(emails or []))

    @rpc
    def authenticate(self, token, touch=True):
        """-> the principal (dict) behind a bearer token, with `signed` (the form the
        gateway forwards to every service, services/common/context.py), `expires_at`
        (epoch seconds, PRINCIPAL_TTL_S from now) and `session`: {expires_at,
        last_activity_at, activity_interval_s} for the gateway's cache. Counts as
        activity unless `touch` is false (written at most once per activity interval).
        Raises Unauthenticated or SessionExpired."""
        with self.store.unit_of_work() as uow:
            if api_keys.is_api_key(token):
                found = api_keys.authenticate(uow, token, touch)
            else:
                found = sessions.authenticate(uow, self.settings.clock, token, touch)
        return sessions.signed(found, self.name, self.settings.principal_ttl_s)

    @rpc
    def sign_export_principal(self, account_id):
        """documents only (as a service), preparing a client's export of their own data:
        -> the signed form of a read-only principal of that client account, valid
        PRINCIPAL_TTL_S. NotFound unless `account_id` is a client's."""
        self.caller.require_service("documents")
        with self.store.unit_of_work() as uow:
            principal = export_principal.export_principal(uow, account_id)
        return sign(principal, self.name, self.settings.principal_ttl_s).signed

    @rpc
    def describe_session(self):
        """-> {expires_at, warn_at, idle_timeout_s, warning_s, now} of the caller's session."""
        principal = self.caller.require()
        with self.store.unit_of_work() as uow:
            return sessions.describe_session(uow, self.settings.clock, principal.session_id)

    @rpc
    def touch_session(self):
        """Activity on the caller's session now (the gateway reports it from its cache
        once per activity interval; POST /auth/session/extend). -> as describe_session.
        Raises Unauthenticated or SessionExpired."""
        principal = self.caller.require()
        with self.store.unit_of_work() as uow:
            if principal.is_api_key:  # its last use, at most once a minute
                return api_keys.touch(uow, principal.account_id)
            return sessions.touch_session(uow, self.settings.clock, principal.session_id)

    @rpc
    def logout(self):
        """Ends the caller's session at once (event `session_revoked`)."""
        principal = self.caller.require()
        with self.store.unit_of_work() as uow:
            sessions.logout(uow, principal.session_id, principal.account_id)

    @rpc
    def request_password_reset(self, email):
        """Mails a reset link when the account exists; answers None either way."""
        with self.store.unit_of_work() as uow:
            passwords.request_password_reset(uow, email, self.settings.portal_url)

    @rpc
    def reset_password(self, token, password):
        """Raises WeakPassword, InvalidToken, TokenExpired or TokenUsed; changes nothing then."""
        with self.store.unit_of_work() as uow:
            passwords.reset_password(uow, token, password)

    @rpc
    def describe_me(self):
        """-> {id, kind, name, email, mobile, language, first_login, offices: [{id, role}],
        active_office_id}"""
        principal = self.caller.require()
        with self.store.unit_of_work() as uow:
            return profile.profile(uow, principal.account_id)

    @rpc
    def set_active_office(self, office_id):
        """Staff: the office they work in now, remembered across sign-ins. NotFound
        for an office they do not work for."""
        principal = self.caller.require("staff", write=True)
        with self.store.unit_of_work() as uow:
            profile.set_active_office(uow, principal, office_id)
            return profile.profile(uow, principal.account_id)

    @rpc
    def update_me(self, language=None, name=None):
        """The caller's own language (nl, en) and name. A new language ends the
        account's other sessions."""
        principal = self.caller.require(write=True)
        load(MeUpdate(), {"language": language})
        with self.store.unit_of_work() as uow:
            accounts.update_account(
                uow, principal.account_id, language, name, session_id=principal.session_id
            )
            return profile.profile(uow, principal.account_id)

    # -- client portal accounts ----------------------------------------------------------
    @rpc
    def prepare_client_account(self, email, name, mobile, language):
        """For dossier, once a client confirmed the invitation: -> {account_id}; mails the
        set-password link (and texts a code when a mobile is on file)."""
        self.caller.require_service("dossier")
        with self.store.unit_of_work() as uow:
            return activation.prepare_client_account(
                uow, email, name, mobile, language, self.settings.portal_url
            )

    @rpc
    def end_sessions_for_contact_change(self, account_id):
        """For dossier, when an office changed the e-mail or mobile of a client record
        that uses this account: its sessions end and its open activation links (sent to
        the old contact) stop working. Event `session_revoked` (reason contact_changed)."""
        self.caller.require_service("dossier")
        with self.store.unit_of_work() as uow:
            activation.end_for_contact_change(uow, account_id)

    @rpc
    def complete_activation(self, token, password, sms_code=None, source_ip=None, user_agent=None):
        """-> {token, ...}. WeakPassword, InvalidToken, TokenExpired, TokenUsed, InvalidCode."""
        with self.store.unit_of_work() as uow:
            return activation.complete_activation(
                uow, self.settings.clock, token, password, sms_code, source_ip, user_agent
            )

    @rpc
    def create_account(self, kind, email, name="", language="nl", password=None):
        """Admin only (later: the services that invite people). -> {id}; EmailInUse
        when an account has the address."""
        self.caller.require("admin")
        with self.store.unit_of_work() as uow:
            return {"id": accounts.create_account(uow, kind, email, name, language, password).id}

    @rpc
    def list_login_attempts(self, limit=50, cursor=None):
        """Admin only: the login attempts with time and source address. -> {items,
        next_cursor}: a page, newest first."""
        self.caller.require("admin")
        with self.store.unit_of_work() as uow:
            return password_login.login_attempts(uow, self.paging, limit, cursor)
