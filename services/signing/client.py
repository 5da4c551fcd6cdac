"""How the gateway sends a file to signing's verify endpoint: first ask signing over
RPC for a grant (`begin_verification`: {verification_id, ticket}), then stream the
bytes with a `VerifyClient`, built from the gateway's configuration (`VerifyTransfer`:
SIGNING_VERIFY_URL, else SIGNING_VERIFY_ADDRESS). Bytes never go over the bus."""

import requests

from services.common.endpoints import EndpointClient, address_url, answered_error, errors_by_code
from services.common.logs import request_id_header
from services.common.rpc import ServiceUnavailable
from services.documents.exceptions import FileTooLarge

from . import exceptions

_ERRORS = errors_by_code([*vars(exceptions).values(), FileTooLarge])


DEFAULT_ADDRESS = "127.0.0.1:8002"
CONNECT_TIMEOUT_S = 5


def verify_url(url, address):
    """`url`, else http://`address` (0.0.0.0 means here)."""
    if url:
        return url.rstrip("/")
    return address_url(address, DEFAULT_ADDRESS)


class VerifyClient:
    """Files to signing's verify endpoint at `url`."""

    def __init__(self, url):
        self.url = url
        self._session = requests.Session()
        self._session.mount("http://", requests.adapters.HTTPAdapter(pool_maxsize=16))

    @classmethod
    def from_config(cls, config):
        return cls(
            verify_url(config.get("SIGNING_VERIFY_URL"), config.get("SIGNING_VERIFY_ADDRESS"))
        )

    def verify(self, grant, chunks, timeout_s):
        """Sends a file (an iterable of chunks) under its grant. -> the verdict; the
        endpoint's error as a KluisError; ServiceUnavailable when signing cannot be
        reached. `timeout_s`: how long to wait for the verdict once the file is sent."""
        try:
            response = self._session.post(
                f"{self.url}/verifications/{grant['verification_id']}",
                data=chunks,
                timeout=(CONNECT_TIMEOUT_S, timeout_s),
                headers={
                    "X-Verify-Ticket": grant["ticket"],
                    "Content-Type": "application/pdf",
                    **request_id_header(),
                },
            )
        except requests.RequestException:
            raise ServiceUnavailable({"service": "signing"})
        if response.status_code != 200:
            raise answered_error(response, _ERRORS)
        return response.json()


class VerifyTransfer(EndpointClient):
    """Declare as `verifier = VerifyTransfer()`: the process's VerifyClient, built once
    from its configuration."""

    client_class = VerifyClient
