"""How other processes move file bytes to and from documents's blob endpoint: the
gateway for uploads and downloads, dossier for the PDFs it makes (questionnaires).
First ask documents over RPC for a grant ({upload_id, ticket} or {ticket, ...}), then
stream with these. Bytes never go over the bus."""
import os

import requests

from services.common.errors import KluisError
from services.common.rpc import ServiceUnavailable

from services.common import web_server

from . import exceptions

_session = requests.Session()
_session.mount("http://", requests.adapters.HTTPAdapter(pool_maxsize=64))

_ERRORS = {cls.code: cls for module in (exceptions, web_server) for cls in vars(module).values()
           if isinstance(cls, type) and issubclass(cls, KluisError)}


def blob_url():
    """DOCUMENTS_BLOB_URL, else http://DOCUMENTS_BLOB_ADDRESS (0.0.0.0 means here)."""
    address = os.environ.get("DOCUMENTS_BLOB_ADDRESS") or "127.0.0.1:8001"
    host, _, port = address.rpartition(":")
    host = "127.0.0.1" if host in ("", "0.0.0.0") else host
    return os.environ.get("DOCUMENTS_BLOB_URL") or f"http://{host}:{port}"


def upstream_error(response):
    """The KluisError the blob endpoint answered with ({error, details})."""
    try:
        body = response.json()
        return _ERRORS.get(body["error"], KluisError)(body.get("details") or {})
    except (ValueError, KeyError, TypeError):
        return KluisError()


def put_blob(grant, chunks):
    """Sends an upload's bytes (an iterable of chunks, or bytes) under its grant.
    -> {size, sha256, content_type}; the blob endpoint's error as a KluisError;
    ServiceUnavailable when documents cannot be reached."""
    try:
        response = _session.put(f"{blob_url()}/blobs/{grant['upload_id']}", data=chunks,
                                headers={"X-Upload-Ticket": grant["ticket"],
                                         "Content-Type": "application/octet-stream"},
                                timeout=(5, 300))
    except requests.RequestException:
        raise ServiceUnavailable({"service": "documents"})
    if response.status_code != 201:
        raise upstream_error(response)
    return response.json()


def open_blob(grant):
    """-> a streaming response with a document's plain bytes (iter_content; close it)."""
    try:
        upstream = _session.get(f"{blob_url()}/blobs/content", stream=True,
                                headers={"X-Download-Ticket": grant["ticket"]},
                                timeout=(5, 300))
    except requests.RequestException:
        raise ServiceUnavailable({"service": "documents"})
    if upstream.status_code != 200:
        error = upstream_error(upstream)
        upstream.close()
        raise error
    return upstream
