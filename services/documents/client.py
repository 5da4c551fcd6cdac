"""How other processes move file bytes to and from documents's blob endpoint: the
gateway for uploads and downloads, dossier for the PDFs it makes (questionnaires).
First ask documents over RPC for a grant ({upload_id, ticket} or {ticket, ...}), then
stream with these. Bytes never go over the bus.

With several documents instances (KLUIS_SCALE), DOCUMENTS_BLOB_URL lists each one's
endpoint, comma-separated: every request picks one at random and goes on to another
when one refuses the connection or does not take it within CONNECT_TIMEOUT_S (before
any byte of the body was sent). Any instance
serves any grant: tickets live in documents's database."""
import os
import random

import requests
from urllib3.exceptions import NewConnectionError

from services.common.errors import KluisError
from services.common.logs import request_id_header
from services.common.rpc import ServiceUnavailable

from services.common import web_server

from . import exceptions

CONNECT_TIMEOUT_S = 5  # then the next endpoint
READ_TIMEOUT_S = 300

_session = requests.Session()
_session.mount("http://", requests.adapters.HTTPAdapter(pool_maxsize=64))

_ERRORS = {cls.code: cls for module in (exceptions, web_server) for cls in vars(module).values()
           if isinstance(cls, type) and issubclass(cls, KluisError)}


def blob_urls():
    """DOCUMENTS_BLOB_URL's endpoints (comma-separated), else
    http://DOCUMENTS_BLOB_ADDRESS (0.0.0.0 means here)."""
    urls = [url.strip().rstrip("/") for url in
            (os.environ.get("DOCUMENTS_BLOB_URL") or "").split(",") if url.strip()]
    if urls:
        return urls
    address = os.environ.get("DOCUMENTS_BLOB_ADDRESS") or "127.0.0.1:8001"
    host, _, port = address.rpartition(":")
    host = "127.0.0.1" if host in ("", "0.0.0.0") else host
    return [f"http://{host}:{port}"]


def _request(method, path, **kwargs):
    """`method` `path` at one of the blob endpoints, in random order, the next one when
    one refuses the connection or does not take it in time. ServiceUnavailable when none
    can be reached."""
    urls = blob_urls()
    for url in random.sample(urls, len(urls)):
        try:
            return _session.request(method, url + path,
                                    timeout=(CONNECT_TIMEOUT_S, READ_TIMEOUT_S), **kwargs)
        except requests.ConnectTimeout:
            continue  # not connected: nothing was sent, another instance may answer
        except requests.ConnectionError as exc:
            if isinstance(getattr(exc.args[0] if exc.args else None, "reason", None),
                          NewConnectionError):
                continue  # refused: nothing was sent, another instance may answer
            raise ServiceUnavailable({"service": "documents"})
        except requests.RequestException:
            raise ServiceUnavailable({"service": "documents"})
    raise ServiceUnavailable({"service": "documents"})


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
    response = _request("PUT", f"/blobs/{grant['upload_id']}", data=chunks,
                        headers={"X-Upload-Ticket": grant["ticket"],
                                 "Content-Type": "application/octet-stream",
                                 **request_id_header()})
    if response.status_code != 201:
        raise upstream_error(response)
    return response.json()


def open_blob(grant):
    """-> a streaming response with a document's plain bytes (iter_content; close it)."""
    upstream = _request("GET", "/blobs/content", stream=True,
                        headers={"X-Download-Ticket": grant["ticket"], **request_id_header()})
    if upstream.status_code != 200:
        error = upstream_error(upstream)
        upstream.close()
        raise error
    return upstream
