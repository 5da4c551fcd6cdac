"""How the gateway sends a file to signing's verify endpoint: first ask signing over
RPC for a grant (`begin_verification`: {verification_id, ticket}), then stream the
bytes with `verify_file`. Bytes never go over the bus."""
import os

import requests

from services.common.errors import KluisError
from services.common.logs import request_id_header
from services.common.rpc import ServiceUnavailable
from services.documents.exceptions import FileTooLarge

from . import exceptions

_session = requests.Session()
_session.mount("http://", requests.adapters.HTTPAdapter(pool_maxsize=16))

_ERRORS = {cls.code: cls for cls in [*vars(exceptions).values(), FileTooLarge]
           if isinstance(cls, type) and issubclass(cls, KluisError)}


def verify_url():
    """SIGNING_VERIFY_URL, else http://SIGNING_VERIFY_ADDRESS (0.0.0.0 means here)."""
    address = os.environ.get("SIGNING_VERIFY_ADDRESS") or "127.0.0.1:8002"
    host, _, port = address.rpartition(":")
    host = "127.0.0.1" if host in ("", "0.0.0.0") else host
    return os.environ.get("SIGNING_VERIFY_URL") or f"http://{host}:{port}"


def verify_file(grant, chunks, timeout_s):
    """Sends a file (an iterable of chunks) under its grant. -> the verdict; the
    endpoint's error as a KluisError; ServiceUnavailable when signing cannot be
    reached. `timeout_s`: how long to wait for the verdict once the file is sent."""
    try:
        response = _session.post(f"{verify_url()}/verifications/{grant['verification_id']}",
                                 data=chunks, timeout=(5, timeout_s),
                                 headers={"X-Verify-Ticket": grant["ticket"],
                                          "Content-Type": "application/pdf",
                                          **request_id_header()})
    except requests.RequestException:
        raise ServiceUnavailable({"service": "signing"})
    if response.status_code != 200:
        raise _upstream_error(response)
    return response.json()


def _upstream_error(response):
    try:
        body = response.json()
        return _ERRORS.get(body["error"], KluisError)(body.get("details") or {})
    except (ValueError, KeyError, TypeError):
        return KluisError()
