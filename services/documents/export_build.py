"""The background half of a client's export (exports.py): one `preparing` export at a
time is gathered (export_records.py), written as a ZIP stream (export_zip.py) straight
into the blob store, sealed like any blob; then it is `ready` and the client is told by
e-mail. A failed round leaves it `preparing` for the next one (MAX_ATTEMPTS), and the
timer removes the files of exports that were downloaded or expired."""

import json
import logging

from sqlalchemy import select

from services.common.db import utcnow
from services.notify.events import SendNotification

from . import client_keys, export_records, exports
from .export_zip import ZipStream
from .models import Export

log = logging.getLogger(__name__)
JSON_CHUNK = 64 * 1024


def preparing(store, limit):
    """The oldest exports still to prepare: -> [(id, account_id)]."""
    with store.unit_of_work() as uow:
        rows = uow.session.execute(
            select(Export.id, Export.account_id)
            .where(Export.status == "preparing")
            .order_by(Export.requested_at, Export.id)
            .limit(limit)
        ).all()
    return [tuple(row) for row in rows]


def prepare(service, export_id, account_id, policy, public_url):
    """Gathers, writes and announces one export; a failure counts an attempt."""
    try:
        client = export_records.AsClient(service.worker_ctx, service.identity_signer, account_id)
        records, files = export_records.gather(client, service, service)
        keys = client_keys.key_reader(service.store, service.blobs.store.keyring)
        archive = ZipStream(_entries(records, files, service.blobs.store, keys))
        service.blobs.store.delete(export_id)  # what an earlier round left half-way
        service.blobs.store.write(export_id, archive)
    except Exception:
        log.exception("export %s could not be prepared", export_id)
        _failed(service.store, export_id)
        return
    with service.store.unit_of_work() as uow:
        export = uow.session.get(Export, export_id, with_for_update=True)
        export.status, export.ready_at, export.blob_kept = "ready", utcnow(), True
        export.expires_at = export.ready_at + policy.ttl
        export.size, export.sha256 = archive.size, archive.sha256
        _announce(uow, export, records["profile"], public_url)


def _entries(records, files, blobs, keys):
    """data/<name>.json for each record, then each document's file, read from its
    sealed blob as it is written."""
    for name, value in records.items():
        yield f"data/{name}.json", _json_chunks(value)
    for path, blob_name in files:
        yield path, blobs.read(blob_name, keys)


def _json_chunks(value):
    encoder = json.JSONEncoder(ensure_ascii=False, indent=2, default=str)
    buffer = []
    size = 0
    for piece in encoder.iterencode(value):
        buffer.append(piece)
        size += len(piece)
        if size >= JSON_CHUNK:
            yield "".join(buffer).encode()
            buffer, size = [], 0
    yield "".join(buffer).encode()


def _failed(store, export_id):
    with store.unit_of_work() as uow:
        export = uow.session.get(Export, export_id, with_for_update=True)
        export.attempts += 1
        if export.attempts >= exports.MAX_ATTEMPTS:
            export.status = "failed"


def _announce(uow, export, profile, public_url):
    """The e-mail that it is ready (notify's outbox command, like every notification)."""
    uow.send(
        "notify",
        SendNotification(
            template="export_ready",
            language=profile.get("language") or export.language,
            to={"email": profile["email"]},
            account_id=export.account_id,
            data={
                "name": profile.get("name"),
                "portal_url": f"{public_url}/",
                "expires_on": export.expires_at.date().isoformat(),
            },
        ),
    )


def remove_done(store, blobs):
    """Deletes the files of exports downloaded or expired (exports.due_for_removal)."""
    with store.unit_of_work() as uow:
        gone = exports.due_for_removal(uow, utcnow())
    for name in gone:
        blobs.delete(name)
    if gone:
        log.info("removed %d export files", len(gone))
