"""An office system's API keys (identity): the office's owner creates one (shown once),
lists them and revokes one, at once (docs/integrations.md). What a key may call is
gateway/scopes.py's."""

from ..http import json_response, route
from ..schemas import ApiKeyBody, ApiKeyCreated, ApiKeyList


@route(
    "POST",
    "/offices/<office_id>/api-keys",
    body=ApiKeyBody,
    tag="integrations",
    responses={
        201: ("created; `key` shown this once", ApiKeyCreated),
        409: ("too_many_api_keys", None),
        422: ("unknown_scope | expiry_out_of_range", None),
    },
)
def create_api_key(call, office_id):
    """Owner: a key for the office's own system, sent as `Authorization: Bearer <key>`;
    it acts as staff of this office, within its scopes."""
    body = dict(call.body)
    if body["expires_at"] is not None:
        body["expires_at"] = body["expires_at"].isoformat()
    return 201, call.services.identity.create_api_key(office_id, **body)


@route(
    "GET",
    "/offices/<office_id>/api-keys",
    tag="integrations",
    responses={200: ("the office's keys, newest first; never a key itself", ApiKeyList)},
)
def list_api_keys(call, office_id):
    """Owner: every key, with its last use and revocation."""
    return 200, call.services.identity.list_api_keys(office_id)


@route(
    "DELETE",
    "/offices/<office_id>/api-keys/<key_id>",
    tag="integrations",
    responses={204: ("revoked: refused from the next request on", None)},
)
def revoke_api_key(call, office_id, key_id):
    """Owner: the key is refused at once."""
    call.services.identity.revoke_api_key(office_id, key_id)
    return json_response(204)
