"""identity: accounts, credentials, sessions.

Entrypoints parse, call a use case inside one transaction, and return plain data.
The caller's principal (from the gateway) is in `self.caller`."""
from nameko.dependency_providers import Config

from services.common.errors import ValidationFailed
from services.common.service import ServiceBase, rpc
from services.common.store import Store

from . import domain, use_cases
from .exceptions import InvalidCredentials
from .models import metadata

LANGUAGES = ("nl", "en")


class IdentityService(ServiceBase):
    name = "identity"
    store = Store(metadata)
    config = Config()

    @property
    def clock(self):
        return domain.SessionClock(int(self.config["SESSION_IDLE_TIMEOUT_S"]),
                                   int(self.config["SESSION_WARNING_S"]))

    @property
    def public_url(self):
        return self.config["KLUIS_PUBLIC_URL"].rstrip("/")

    @rpc
    def login(self, email, password, source_ip=None, user_agent=None):
        """Password login. -> {token, idle_timeout_s, warning_s}.
        Raises InvalidCredentials alike for an unknown e-mail, a wrong password and a
        locked account. Every attempt is recorded; the 10th miss in a row locks the
        account for 15 minutes (event `account_locked`, e-mail to its owner)."""
        with self.store.unit_of_work() as uow:
            result = use_cases.login(uow, self.clock, email, password, source_ip, user_agent,
                                     self.public_url)
        if result is None:
            raise InvalidCredentials()
        return result

    @rpc
    def authenticate(self, token, touch=True):
        """-> the principal (dict) behind a bearer token; counts as activity unless
        `touch` is false. Raises Unauthenticated or SessionExpired."""
        with self.store.unit_of_work() as uow:
            return use_cases.authenticate(uow, self.clock, token, touch)

    @rpc
    def describe_session(self):
        """-> {expires_at, warn_at, idle_timeout_s, warning_s} of the caller's session."""
        principal = self.caller.require()
        with self.store.unit_of_work() as uow:
            return use_cases.describe_session(uow, self.clock, principal.session_id)

    @rpc
    def logout(self):
        """Ends the caller's session at once (event `session_revoked`)."""
        principal = self.caller.require()
        with self.store.unit_of_work() as uow:
            use_cases.logout(uow, principal.session_id, principal.account_id)

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
        principal = self.caller.require()
        with self.store.unit_of_work() as uow:
            return use_cases.describe_account(uow, principal.account_id)

    @rpc
    def update_me(self, language=None, name=None):
        """The caller's own language (nl, en) and name."""
        principal = self.caller.require(write=True)
        if language is not None and language not in LANGUAGES:
            raise ValidationFailed({"language": ["invalid"]})
        with self.store.unit_of_work() as uow:
            return use_cases.update_account(uow, principal.account_id, language, name)

    @rpc
    def create_account(self, kind, email, name="", language="nl", password=None):
        """Admin only (later: the services that invite people). -> {id}"""
        self.caller.require("admin")
        with self.store.unit_of_work() as uow:
            return {"id": use_cases.create_account(uow, kind, email, name, language,
                                                   password).id}

    @rpc
    def list_login_attempts(self, limit=100):
        """Admin only: the newest login attempts with time and source address."""
        self.caller.require("admin")
        with self.store.unit_of_work() as uow:
            return use_cases.login_attempts(uow, min(int(limit), 500))
