"""Errors identity raises across the bus (their module path is part of the wire contract)."""

from services.common.errors import KluisError, Unauthenticated


class InvalidCredentials(KluisError):
    """Same for an unknown e-mail, a wrong password and a locked account."""

    code = "invalid_credentials"


class SessionExpired(Unauthenticated):
    code = "session_expired"


class WeakPassword(KluisError):
    """details: {"rules": [failed rule names]}"""

    code = "weak_password"


class InvalidToken(KluisError):
    """A reset link whose token is unknown."""

    code = "invalid_token"


class TokenExpired(KluisError):
    code = "token_expired"


class TokenUsed(KluisError):
    code = "token_used"


class RoleAddressNotAllowed(KluisError):
    """A shared mailbox (info@, kantoor@, ...) where a personal address is required."""

    code = "role_address_not_allowed"


class InvalidMobile(KluisError):
    code = "invalid_mobile"


class EmailInUse(KluisError):
    """The e-mail belongs to an account that is not staff (a client or the admin)."""

    code = "email_in_use"


class AlreadyMember(KluisError):
    code = "already_member"


class LastOwner(KluisError):
    """An office keeps at least one owner."""

    code = "last_owner"


class ClientVersionUnsupported(KluisError):
    """details: {"minimum": {"os": ..., "app": ...}}"""

    code = "client_version_unsupported"


class UnknownCombination(KluisError):
    """details: {"attempts_left": n}"""

    code = "unknown_combination"


class RegistrationLocked(KluisError):
    code = "registration_locked"


class InvalidCode(KluisError):
    """A wrong or expired code where a registration step needs one (422)."""

    code = "invalid_code"
    http_status = 422


class InvalidLoginCode(KluisError):
    """A wrong, used or expired second-step code at sign-in (401)."""

    code = "invalid_code"


class InvalidSignature(KluisError):
    code = "invalid_signature"


class RateLimited(KluisError):
    """details: {"retry_after_s": n}"""

    code = "rate_limited"


class WrongState(KluisError):
    """The object is not in a state that allows this step (details: {"status": ...})."""

    code = "wrong_state"


class LoginRefused(KluisError):
    """The app refused this sign-in on a PC."""

    code = "login_refused"


class WrongPassword(KluisError):
    """The password that confirms a change to the account's own security (422, not 401:
    the caller's session stays valid). details: {"password": ["wrong_password"]}"""

    code = "wrong_password"


class UnknownScope(KluisError):
    """An API key asked for a scope that does not exist (details: {"scopes": [...]})."""

    code = "unknown_scope"


class ExpiryOutOfRange(KluisError):
    """An API key's expires_at in the past or more than two years ahead."""

    code = "expiry_out_of_range"


class TooManyApiKeys(KluisError):
    """An office has at most api_keys.MAX_KEYS_PER_OFFICE live keys."""

    code = "too_many_api_keys"
