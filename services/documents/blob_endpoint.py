"""The documents service's own HTTP endpoint for file bytes: the gateway streams an
upload here (PUT, with the one-time ticket it got over RPC) and fetches a download
(GET, likewise). Bytes never cross the message bus and are never whole in memory:
they are inspected, scanned and sealed chunk by chunk on their way to the blob store.

Not part of the public API: it listens on DOCUMENTS_BLOB_ADDRESS (loopback by
default) and answers nothing without a ticket."""

import json
import logging
from itertools import chain

from werkzeug.wrappers import Response

from services.common import metrics
from services.common.errors import KluisError
from services.common.web_protocol import RequestTimeout

from . import client_keys, downloads, uploads
from .exceptions import BlobDamaged, BlobShredded, UploadExpired
from .inspection import Inspection

log = logging.getLogger(__name__)

CHUNK = 256 * 1024
STATUS = {
    "file_too_large": 413,
    "unsupported_media_type": 415,
    "pdf_encrypted": 422,
    "virus_found": 422,
    "scan_failed": 503,
    "upload_expired": 409,
    "not_found": 404,
    "blob_damaged": 500,
    "blob_shredded": 410,
    "request_timeout": 408,
}


def error_response(error):
    return Response(
        json.dumps({"error": error.code, "details": error.details}),
        status=STATUS.get(error.code, 500),
        content_type="application/json",
    )


def receive(store, blobs, scanner, max_bytes, request, upload_id):
    """PUT /blobs/<upload_id>: the bytes of one upload. -> 201 {size, sha256,
    content_type} or an error {error, details}; a refused file leaves nothing stored."""
    try:
        with store.unit_of_work() as uow:
            upload = uploads.claim_upload(uow, upload_id, request.headers.get("X-Upload-Ticket"))
    except UploadExpired as error:
        return error_response(error)
    try:
        client_key = client_keys.key_for_client(store, blobs.keyring, upload.client_id)
    except Exception as error:  # BlobShredded, or the key could not be read or made
        with store.unit_of_work() as uow:
            uploads.upload_failed(uow, upload_id)
        return _refused(error, upload_id)
    try:
        inspected = _write(store, blobs, scanner, max_bytes, request, upload_id, client_key)
    except Exception as error:
        return _refused(error, upload_id)
    with store.unit_of_work() as uow:
        kept = uploads.upload_received(uow, upload_id, inspected)
    if not kept:  # given up meanwhile: nothing may stay behind
        blobs.delete(upload_id)
        return error_response(UploadExpired())
    return Response(
        json.dumps(
            {
                "size": inspected.size,
                "sha256": inspected.sha256,
                "content_type": inspected.content_type,
            }
        ),
        status=201,
        content_type="application/json",
    )


def _write(store, blobs, scanner, max_bytes, request, upload_id, client_key):
    """The bytes, inspected (and scanned) as they are stored. -> Inspected; on any
    failure nothing stays stored and the upload has failed."""
    inspection, scan = Inspection(max_bytes), None
    try:
        scan = scanner.start() if scanner else None
        blobs.write(upload_id, _chunks(request.environ["wsgi.input"], inspection, scan), client_key)
        inspected = inspection.finish()
        if scan:
            scan.finish()  # fails closed: no verdict, no file
    except Exception:
        _discard(store, blobs, upload_id, scan)
        raise
    return inspected


def _refused(error, upload_id):
    """The answer to a failed upload (called while handling `error`)."""
    if isinstance(error, KluisError):
        return error_response(error)
    if isinstance(error, OSError):  # the gateway went silent or away (web_server.py)
        log.info("upload %s broke off: %s", upload_id, type(error).__name__)
        return error_response(RequestTimeout())
    log.exception("upload %s failed", upload_id)
    return error_response(KluisError())


def _chunks(stream, inspection, scan):
    # wsgi.input, not request.stream: a chunked body reads as empty through the latter.
    while True:
        chunk = stream.read(CHUNK)
        if not chunk:
            return
        inspection.feed(chunk)
        metrics.UPLOAD_BYTES.inc(len(chunk))
        if scan:
            scan.feed(chunk)
        yield chunk


def _discard(store, blobs, upload_id, scan):
    if scan:
        scan.abort()
    try:
        blobs.delete(upload_id)
    finally:
        with store.unit_of_work() as uow:
            uploads.upload_failed(uow, upload_id)


def send(store, blobs, request):
    """GET /blobs/content with X-Download-Ticket: the plain bytes of one document.
    The first segment is verified before the answer starts, so a damaged blob is a
    clear error; damage further on breaks the transfer off (never wrong bytes)."""
    try:
        with store.unit_of_work() as uow:
            name = downloads.claim_download(uow, request.headers.get("X-Download-Ticket"))
        plain = blobs.read(name, client_keys.key_reader(store, blobs.keyring))
        first = next(plain, b"")
    except KluisError as error:
        if isinstance(error, BlobShredded):
            log.info("a blob of an erased client was asked for")
        elif isinstance(error, BlobDamaged):
            log.error("a blob failed its integrity check")
        return error_response(error)
    except OSError:  # FileNotFoundError and kin: a blob that should be there is not
        log.exception("a blob could not be read")
        return error_response(KluisError())
    return Response(
        _guarded(chain([first], plain), name),
        status=200,
        content_type="application/octet-stream",
        direct_passthrough=True,
    )


def _guarded(chunks, name):
    try:
        yield from chunks
    except BlobDamaged:
        log.error("blob %s failed its integrity check while being sent", name)
        raise
