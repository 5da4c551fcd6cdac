"""identity: accounts, credentials, sessions.

Entrypoints parse, call a use case inside one transaction, and return plain data.
The caller's principal (from the gateway) is in `self.caller`."""

from datetime import timedelta

from nameko.dependency_providers import Config
from nameko.timer import timer

from services.common.audit_entrypoints import AuditCheckpoints
from services.common.context import DEFAULT_TTL_S, Principal, sign
from services.common.schemas import load
from services.common.service import ServiceBase, rpc
from services.common.settings import config_value, env_int
from services.common.store import Store

from . import (
    activation,
    devices,
    domain,
    edge,
    guard,
    registration,
    second_factor,
    sessions,
    staff,
    use_cases,
)
from .hashing import Hashing
from .models import metadata
from .schemas import MeUpdate

SWEEP_INTERVAL_S = env_int("IDENTITY_SWEEP_INTERVAL_S", 300)  # unfinished anonymous rows


class IdentityService(AuditCheckpoints, ServiceBase):
    name = "identity"
    audit_metadata = metadata  # the audit chain (services/common/audit_entrypoints.py)
    store = Store(metadata)
    config = Config()
    hashing = Hashing()  # argon2 in its own few OS threads (hashing.py)

    @property
    def policy(self):
        return guard.Policy.from_config(self.config)

    @property
    def clock(self):
        return domain.SessionClock(
            int(self.config["SESSION_IDLE_TIMEOUT_S"]),
            int(self.config["SESSION_WARNING_S"]),
            config_value(self.config, "ACTIVITY_WRITE_INTERVAL_S", 30.0, float),
        )

    @property
    def public_url(self):
        return self.config["KLUIS_PUBLIC_URL"].rstrip("/")

    @timer(interval=SWEEP_INTERVAL_S)
    def sweep(self):
        """Registrations never finished within REGISTRATION_LIFETIME_S, expired PC
        sign-ins, challenges and staff links, and full rate buckets are deleted."""
        lifetime = timedelta(seconds=int(self.config.get("REGISTRATION_LIFETIME_S") or 604800))
        with self.store.lease("sweep") as held:
            if held:  # one instance at a time
                with self.store.unit_of_work() as uow:
                    edge.sweep(uow, lifetime)

    @rpc
    def login(self, email, password, source_ip=None, user_agent=None):
        """Password login. -> {token, idle_timeout_s, warning_s}, or {two_factor_required,
        challenge_id, method, code_sent?}. Raises InvalidCredentials alike for an unknown
        e-mail, a wrong password and a locked account; RateLimited after too many misses
        from the address or at the account (guard.py). Every attempt is recorded; the 10th
        miss in a row from one address locks that address out of the account for 15
        minutes (event `account_locked`, e-mail to its owner)."""
        return use_cases.login(
            self.store,
            self.clock,
            self.policy,
            email,
            password,
            source_ip,
            user_agent,
            self.public_url,
        )

    @rpc
    def login_second_step(self, challenge_id, code=None, recovery_code=None):
        """The code (SMS or TOTP) or a recovery code for a sign-in that needs a second
        step. -> {token, ...}; InvalidCode (401) for anything wrong. Ten misses in a
        row, across challenges, lock the account (e-mail `account_locked`)."""
        with self.store.unit_of_work() as uow:
            return second_factor.finish_login(
                uow, self.clock, self.policy, challenge_id, code, recovery_code, self.public_url
            )

    @rpc
    def start_sms_second_step(self, mobile):
        """Client: texts a code to `mobile`; confirm it to switch the second step on.
        RateLimited beyond 3 codes an hour to one number (and limits per account and
        source address)."""
        principal = self.caller.require("client", write=True)
        with self.store.unit_of_work() as uow:
            second_factor.start_sms(uow, self.policy, principal, mobile)

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
        second_factor.disable(self.store, self.policy, principal, password or "")

    @rpc
    def open_look_along(self, account_id, staff_id, office_id, source_ip=None, user_agent=None):
        """For dossier, which checked that staff member `staff_id` sees this client at
        `office_id`: -> a read-only session of the client's account, limited to that
        office, ending when the staff member leaves it (and after 30 minutes)."""
        self.caller.require_service("dossier")
        with self.store.unit_of_work() as uow:
            return sessions.open_look_along(
                uow, self.clock, account_id, staff_id, office_id, source_ip, user_agent
            )

    @rpc
    def remove_client_account(self, account_id, actor_id):
        """For dossier (unlink, a company removing an extra account): the portal
        account, its sessions and devices go."""
        self.caller.require_service("dossier")
        with self.store.unit_of_work() as uow:
            use_cases.remove_client_account(uow, actor_id, account_id)

    @rpc
    def authenticate(self, token, touch=True):
        """-> the principal (dict) behind a bearer token, with `signed` (the form the
        gateway forwards to every service, services/common/context.py), `expires_at`
        (epoch seconds, PRINCIPAL_TTL_S from now) and `session`: {expires_at,
        last_activity_at, activity_interval_s} for the gateway's cache. Counts as
        activity unless `touch` is false (written at most once per activity interval).
        Raises Unauthenticated or SessionExpired."""
        with self.store.unit_of_work() as uow:
            found = sessions.authenticate(uow, self.clock, token, touch)
        principal = sign(
            Principal.from_dict(found),
            self.name,
            config_value(self.config, "PRINCIPAL_TTL_S", DEFAULT_TTL_S),
        )
        return {**found, "signed": principal.signed, "expires_at": principal.expires_at}

    @rpc
    def describe_session(self):
        """-> {expires_at, warn_at, idle_timeout_s, warning_s, now} of the caller's session."""
        principal = self.caller.require()
        with self.store.unit_of_work() as uow:
            return sessions.describe_session(uow, self.clock, principal.session_id)

    @rpc
    def touch_session(self):
        """Activity on the caller's session now (the gateway reports it from its cache
        once per activity interval; POST /auth/session/extend). -> as describe_session.
        Raises Unauthenticated or SessionExpired."""
        principal = self.caller.require()
        with self.store.unit_of_work() as uow:
            return sessions.touch_session(uow, self.clock, principal.session_id)

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
            use_cases.request_password_reset(uow, email, self.public_url)

    @rpc
    def reset_password(self, token, password):
        """Raises WeakPassword, InvalidToken, TokenExpired or TokenUsed; changes nothing then."""
        with self.store.unit_of_work() as uow:
            use_cases.reset_password(uow, token, password)

    @rpc
    def describe_me(self):
        """-> {id, kind, name, email, mobile, language, first_login, offices: [{id, role}],
        active_office_id}"""
        principal = self.caller.require()
        with self.store.unit_of_work() as uow:
            return staff.profile(uow, principal.account_id)

    @rpc
    def set_active_office(self, office_id):
        """Staff: the office they work in now, remembered across sign-ins. NotFound
        for an office they do not work for."""
        principal = self.caller.require("staff", write=True)
        with self.store.unit_of_work() as uow:
            staff.set_active_office(uow, principal, office_id)
            return staff.profile(uow, principal.account_id)

    @rpc
    def update_me(self, language=None, name=None):
        """The caller's own language (nl, en) and name. A new language ends the
        account's other sessions."""
        principal = self.caller.require(write=True)
        load(MeUpdate(), {"language": language})
        with self.store.unit_of_work() as uow:
            use_cases.update_account(
                uow, principal.account_id, language, name, session_id=principal.session_id
            )
            return staff.profile(uow, principal.account_id)

    # -- client portal accounts ----------------------------------------------------------
    @rpc
    def prepare_client_account(self, email, name, mobile, language):
        """For dossier, once a client confirmed the invitation: -> {account_id}; mails the
        set-password link (and texts a code when a mobile is on file)."""
        self.caller.require_service("dossier")
        with self.store.unit_of_work() as uow:
            return activation.prepare_client_account(
                uow, email, name, mobile, language, self.public_url
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
                uow, self.clock, token, password, sms_code, source_ip, user_agent
            )

    # -- staff of an office (memberships and roles) -------------------------------------
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
                uow, principal, office_id, name, email, mobile, role, office or {}, self.public_url
            )

    @rpc
    def confirm_staff_link(self, token):
        """Anonymous: the person confirms an office's request with the e-mailed token.
        -> {office: {name, partner_id}, role}; InvalidToken, TokenExpired, TokenUsed."""
        with self.store.unit_of_work() as uow:
            return staff.confirm_link(uow, token, self.public_url)

    @rpc
    def list_staff(self, office_id, limit=50, cursor=None):
        """Admin, owner, staff_manager: {items: [{person_id, name, email, mobile, role,
        registration}], next_cursor}: a page, members by name, then the people asked to
        link. ValidationFailed: limit, cursor."""
        principal = self.caller.require("admin", "staff")
        with self.store.unit_of_work() as uow:
            return staff.list_staff(uow, self.paging, principal, office_id, limit, cursor)

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

    # -- app registration (device binding) ----------------------------------------------
    @rpc
    def start_registration(self, device, source_ip=None):
        """Anonymous (the app). -> {id, status: started, display_name, attempts_left}.
        Raises ClientVersionUnsupported below the configured minimum versions."""
        minimums = {
            "ios": self.config.get("MIN_IOS_VERSION"),
            "android": self.config.get("MIN_ANDROID_VERSION"),
            "app": self.config.get("MIN_APP_VERSION"),
        }
        edge.take(self.store, edge.limit(self.config, "REGISTRATIONS_PER_ADDRESS"), source_ip)
        with self.store.unit_of_work() as uow:
            return registration.start(uow, device, minimums, source_ip)

    @rpc
    def identify_registration(
        self, registration_id, office, partner_id, email=None, mobile=None, source_ip=None
    ):
        """`office`: the office with `partner_id` (None when there is none). A miss raises
        UnknownCombination (details.attempts_left), the third RegistrationLocked;
        RateLimited after too many misses from the source address (for a while) or on
        the partner ID (for seconds)."""
        with self.store.unit_of_work() as uow:
            return registration.identify(
                uow, registration_id, office, partner_id, email, mobile, source_ip, self.config
            )

    @rpc
    def verify_registration(self, registration_id, code):
        """-> {status: awaiting_approval}; InvalidCode; five misses lock it."""
        with self.store.unit_of_work() as uow:
            return registration.verify(uow, registration_id, code, self.public_url)

    @rpc
    def describe_registration(self, registration_id):
        with self.store.unit_of_work() as uow:
            return registration.describe_by_id(uow, registration_id)

    @rpc
    def delete_registration(self, registration_id):
        with self.store.unit_of_work() as uow:
            registration.remove(uow, registration_id)

    @rpc
    def list_registration_requests(self, office_id, limit=50, cursor=None):
        """The registrations at the office that the caller may approve. -> {items: [{id,
        person_id, name, email, role, device, created_at}], next_cursor}: a page, oldest
        first."""
        principal = self.caller.require("admin", "staff")
        with self.store.unit_of_work() as uow:
            return registration.requests_for(uow, self.paging, principal, office_id, limit, cursor)

    @rpc
    def decide_registration(self, registration_id, approve, reason=None):
        """Approve (e-mail "you can finish") or reject. Forbidden for a caller who may
        not approve this role; NotFound outside the caller's offices."""
        principal = self.caller.require("admin", "staff", write=True)
        with self.store.unit_of_work() as uow:
            registration.decide(uow, principal, registration_id, approve, reason)

    @rpc
    def complete_registration(self, registration_id, signature, source_ip=None, user_agent=None):
        """-> {device_id, token, ...}: bound, signed in, office access at once."""
        with self.store.unit_of_work() as uow:
            return registration.complete(
                uow, self.clock, registration_id, signature, source_ip, user_agent
            )

    # -- devices and app login -----------------------------------------------------------
    @rpc
    def device_challenge(self, device_id):
        with self.store.unit_of_work() as uow:
            return devices.challenge(uow, device_id)

    @rpc
    def device_login(self, device_id, challenge, signature, source_ip=None, user_agent=None):
        """-> {token, ...}; InvalidSignature for anything wrong (one answer for all)."""
        with self.store.unit_of_work() as uow:
            return devices.login(
                uow, self.clock, device_id, challenge, signature, source_ip, user_agent
            )

    @rpc
    def start_app_login(self, source_ip=None, user_agent=None):
        """Anonymous (a PC). RateLimited beyond APP_LOGINS_PER_ADDRESS."""
        edge.take(self.store, edge.limit(self.config, "APP_LOGINS_PER_ADDRESS"), source_ip)
        validity = timedelta(seconds=int(self.config.get("APP_LOGIN_VALIDITY_S") or 300))
        with self.store.unit_of_work() as uow:
            return devices.start_app_login(uow, source_ip, user_agent, validity)

    @rpc
    def find_app_login(self, pairing_code, device_id, signature, source_ip=None):
        """The app: the pending sign-in behind a pairing code, to show before approving
        (`source_ip`: the app's own, to say whether the PC is on the same network).
        InvalidSignature for a device that does not sign it; NotFound for no such code."""
        with self.store.unit_of_work() as uow:
            return devices.find_app_login(uow, pairing_code, device_id, signature, source_ip)

    @rpc
    def approve_app_login(self, login_id, device_id, signature, approve=True):
        """The app approves (or refuses) a PC's sign-in with its signature over the code."""
        with self.store.unit_of_work() as uow:
            devices.approve_app_login(uow, login_id, device_id, signature, approve)

    @rpc
    def claim_app_login(self, login_id, source_ip=None, user_agent=None, poll_secret=None):
        """-> None while pending; {token, ...} once approved, once only, to the browser
        holding `poll_secret` (from start_app_login)."""
        with self.store.unit_of_work() as uow:
            return devices.claim_app_login(
                uow, self.clock, login_id, source_ip, user_agent, poll_secret
            )

    @rpc
    def list_my_devices(self, limit=50, cursor=None):
        """The caller's bound devices. -> {items, next_cursor}: a page, oldest first."""
        principal = self.caller.require()
        with self.store.unit_of_work() as uow:
            return devices.list_devices(uow, self.paging, principal.account_id, limit, cursor)

    @rpc
    def unbind_my_device(self, device_id):
        """The device's sessions end with it."""
        principal = self.caller.require(write=True)
        with self.store.unit_of_work() as uow:
            devices.unbind(uow, principal, device_id)

    @rpc
    def create_account(self, kind, email, name="", language="nl", password=None):
        """Admin only (later: the services that invite people). -> {id}"""
        self.caller.require("admin")
        with self.store.unit_of_work() as uow:
            return {"id": use_cases.create_account(uow, kind, email, name, language, password).id}

    @rpc
    def list_login_attempts(self, limit=50, cursor=None):
        """Admin only: the login attempts with time and source address. -> {items,
        next_cursor}: a page, newest first."""
        self.caller.require("admin")
        with self.store.unit_of_work() as uow:
            return use_cases.login_attempts(uow, self.paging, limit, cursor)
