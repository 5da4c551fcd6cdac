"""What an office system's API key may call: each route a key may use, with the scope
it needs (services/identity/api_keys.py SCOPES). Any route not named here is refused to
a key with 403 `scope_missing`, also when its scope is right: a key never signs in,
manages staff or keys, or acts as a client. The owning services check the scope again
where a key writes (`Principal.require_scope`)."""

from services.common.errors import ScopeMissing

ROUTE_SCOPES = {
    ("GET", "/clients"): "clients:read",
    ("GET", "/clients/<client_id>"): "clients:read",
    ("GET", "/dossiers"): "dossiers:read",
    ("GET", "/dossiers/<dossier_id>"): "dossiers:read",
    ("GET", "/dossiers/<dossier_id>/documents"): "dossiers:read",
    ("GET", "/dossiers/<dossier_id>/requests"): "dossiers:read",
    ("GET", "/documents/<document_id>/content"): "dossiers:read",
    ("GET", "/signing-requests"): "dossiers:read",
    ("GET", "/signing-requests/<request_id>"): "dossiers:read",
    ("GET", "/signing-requests/<request_id>/evidence"): "dossiers:read",
    ("POST", "/dossiers/<dossier_id>/documents"): "documents:write",
    ("PATCH", "/documents/<document_id>"): "documents:write",
    ("POST", "/documents/<document_id>/signing-requests"): "documents:write",
    ("POST", "/signing-requests/<request_id>/withdraw"): "documents:write",
    ("POST", "/dossiers/<dossier_id>/requests"): "requests:write",
    ("POST", "/requests/<request_id>/review"): "requests:write",
    ("POST", "/dossiers/<dossier_id>/hdn/da"): "requests:write",
    ("POST", "/offices/<office_id>/webhooks"): "webhooks:manage",
    ("GET", "/offices/<office_id>/webhooks"): "webhooks:manage",
    ("DELETE", "/offices/<office_id>/webhooks/<webhook_id>"): "webhooks:manage",
    (
        "POST",
        "/offices/<office_id>/webhooks/<webhook_id>/deliveries/<delivery_id>/redeliver",
    ): "webhooks:manage",
}


def check(principal, route):
    """ScopeMissing unless the API key `principal` has the scope `route` needs; anyone
    else passes."""
    if not principal.is_api_key:
        return
    scope = ROUTE_SCOPES.get((route.method, route.path))
    if scope is None:
        raise ScopeMissing()
    principal.require_scope(scope)
