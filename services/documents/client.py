"""How other processes move file bytes to and from documents's blob endpoint: the
gateway for uploads and downloads, dossier for the PDFs it makes (questionnaires),
signing for the originals it signs and the signed copies it files. Bytes never go
over the bus: documents grants each transfer over RPC ({upload_id, ticket} or
{ticket, ...}), then a `BlobClient` streams the bytes, never whole in memory.

A process gets its client from its own configuration (`BlobTransfer`, a nameko
dependency): DOCUMENTS_BLOB_URL lists each documents instance's endpoint,
comma-separated (with KLUIS_SCALE), else DOCUMENTS_BLOB_ADDRESS is the one. Every
request picks one at random and goes on to another when one refuses the connection
or does not take it within CONNECT_TIMEOUT_S (before any byte of the body was sent).
Any instance serves any grant: tickets live in documents's database."""

import random

import requests
from urllib3.exceptions import NewConnectionError

from services.common import web_protocol
from services.common.endpoints import EndpointClient, address_url, answered_error, errors_by_code
from services.common.logs import request_id_header
from services.common.rpc import ServiceUnavailable

from . import exceptions

CONNECT_TIMEOUT_S = 5  # then the next endpoint
READ_TIMEOUT_S = 300
DEFAULT_ADDRESS = "127.0.0.1:8001"

_ERRORS = errors_by_code([*vars(exceptions).values(), *vars(web_protocol).values()])


def blob_urls(listed, address):
    """The endpoints in `listed` (comma-separated URLs), else http://`address`
    (0.0.0.0 means here)."""
    urls = [url.strip().rstrip("/") for url in (listed or "").split(",") if url.strip()]
    if urls:
        return urls
    return [address_url(address, DEFAULT_ADDRESS)]


def upstream_error(response):
    """The KluisError the blob endpoint answered with ({error, details})."""
    return answered_error(response, _ERRORS)


class BlobClient:
    """grant -> transfer -> finish against the blob endpoints at `urls`."""

    def __init__(self, urls, connect_timeout_s=CONNECT_TIMEOUT_S, read_timeout_s=READ_TIMEOUT_S):
        self.urls = list(urls)
        self.timeout = (connect_timeout_s, read_timeout_s)
        self._session = requests.Session()
        self._session.mount("http://", requests.adapters.HTTPAdapter(pool_maxsize=64))

    @classmethod
    def from_config(cls, config):
        """From a process's configuration: DOCUMENTS_BLOB_URL, DOCUMENTS_BLOB_ADDRESS."""
        return cls(
            blob_urls(config.get("DOCUMENTS_BLOB_URL"), config.get("DOCUMENTS_BLOB_ADDRESS"))
        )

    def upload(self, begin, chunks, finish):
        """The whole upload: `begin()` grants it ({upload_id, ticket}), the bytes (an
        iterable of chunks, or bytes) go to the blob endpoint, `finish(upload_id)` makes
        it a document. -> what `finish` answers."""
        grant = begin()
        self.put(grant, chunks)
        return finish(grant["upload_id"])

    def put(self, grant, chunks):
        """Sends an upload's bytes under its grant. -> {size, sha256, content_type}; the
        blob endpoint's error as a KluisError; ServiceUnavailable when documents cannot
        be reached."""
        response = self._request(
            "PUT",
            f"/blobs/{grant['upload_id']}",
            data=chunks,
            headers={
                "X-Upload-Ticket": grant["ticket"],
                "Content-Type": "application/octet-stream",
                **request_id_header(),
            },
        )
        if response.status_code != 201:
            raise upstream_error(response)
        return response.json()

    def download(self, grant):
        """-> a streaming response with a document's plain bytes under its grant
        ({ticket, ...}): read it with iter_content, then close it."""
        upstream = self._request(
            "GET",
            "/blobs/content",
            stream=True,
            headers={"X-Download-Ticket": grant["ticket"], **request_id_header()},
        )
        if upstream.status_code != 200:
            error = upstream_error(upstream)
            upstream.close()
            raise error
        return upstream

    def _request(self, method, path, **kwargs):
        """`method` `path` at one of the endpoints, in random order, the next one when
        one refuses the connection or does not take it in time. ServiceUnavailable when
        none can be reached."""
        for url in random.sample(self.urls, len(self.urls)):
            try:
                return self._session.request(method, url + path, timeout=self.timeout, **kwargs)
            except requests.ConnectTimeout:
                continue  # not connected: nothing was sent, another instance may answer
            except requests.ConnectionError as exc:
                if isinstance(
                    getattr(exc.args[0] if exc.args else None, "reason", None), NewConnectionError
                ):
                    continue  # refused: nothing was sent, another instance may answer
                raise ServiceUnavailable({"service": "documents"})
            except requests.RequestException:
                raise ServiceUnavailable({"service": "documents"})
        raise ServiceUnavailable({"service": "documents"})


class BlobTransfer(EndpointClient):
    """Declare as `blobs = BlobTransfer()`: the process's BlobClient, built once from
    its configuration."""

    client_class = BlobClient
