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
