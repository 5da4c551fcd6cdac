"""The caller's own profile."""
from ..http import route
from ..schemas import Me, MePatch


def _profile(account):
    return {**account, "mobile": None, "first_login": False, "offices": [],
            "active_office_id": None}


@route("GET", "/me", tag="me", responses={200: ("the caller's profile", Me)})
def get_me(call):
    return 200, _profile(call.services.identity.describe_me())


@route("PATCH", "/me", body=MePatch, tag="me", responses={200: ("the updated profile", Me)})
def patch_me(call):
    """Language (nl, en) drives the caller's e-mails and error messages."""
    return 200, _profile(call.services.identity.update_me(**call.body))
