"""gateway/scopes.py: an office system's key may call only the routes its scopes name;
anyone else is not held to scopes at all."""

import pytest

import gateway.routes  # noqa: F401  (registers every route)
from gateway.http import ROUTES
from gateway.scopes import ROUTE_SCOPES, check
from services.common.context import API_KEY, Principal
from services.common.errors import ScopeMissing


def route(method, path):
    return next(r for r in ROUTES if (r.method, r.path) == (method, path))


def key(*scopes):
    return Principal(
        account_id="key-1", kind="staff", offices={"o": "staff"}, auth_method=API_KEY, scopes=scopes
    )


def test_a_key_passes_with_the_routes_scope_and_is_refused_without_it():
    listing = route("GET", "/clients")
    check(key("clients:read"), listing)
    with pytest.raises(ScopeMissing):
        check(key("dossiers:read", "documents:write"), listing)


@pytest.mark.parametrize(
    "method, path",
    [("GET", "/me"), ("POST", "/auth/logout"), ("GET", "/offices/<office_id>/api-keys")],
)
def test_a_route_outside_the_table_is_refused_to_every_key(method, path):
    assert (method, path) not in ROUTE_SCOPES
    with pytest.raises(ScopeMissing):
        check(key(*set(ROUTE_SCOPES.values())), route(method, path))


def test_people_are_not_held_to_scopes():
    check(Principal(account_id="a", kind="staff", offices={"o": "owner"}), route("GET", "/me"))
    assert key().actor_kind == "api_key"
    assert Principal(account_id="a", kind="client").actor_kind == "client"
