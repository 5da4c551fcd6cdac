"""The background half of a client's export (exports.py): one `preparing` export at a
time is gathered (export_records.py), written as a ZIP stream (export_zip.py) straight
into the blob store, sealed under a key made for that one export
(client_keys.key_for_export); then it is `ready` and the client is told by e-mail. A
failed round destroys its key and leaves it `preparing` for the next one (MAX_ATTEMPTS),
and the timer destroys the keys and removes the files of exports that were downloaded
or expired."""

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
    blobs = service.blobs.store
    try:
        client = export_records.AsClient(service.worker_ctx, service.identity_signer, account_id)
        records, files = export_records.gather(client, service, service)
        keys = client_keys.key_reader(service.store, blobs.keyring)
        archive = ZipStream(_entries(records, files, blobs, keys))
        blobs.delete(export_id)  # what an earlier round left half-way
        key = client_keys.key_for_export(
            service.store, blobs.keyring, export_id, _client_ids(records)
        )
        blobs.write(export_id, archive, key)
    except Exception:
        log.exception("export %s could not be prepared", export_id)
        _failed(service.store, blobs, export_id)
        return
    if not _ready(service.store, export_id, archive, records, policy, public_url):
        _failed(service.store, blobs, export_id)


def _ready(store, export_id, archive, records, policy, public_url):
    """-> False if a client whose data it holds was shredded meanwhile (checked in the
    same unit of work: a shredding after it destroys the export's key itself)."""
    with store.unit_of_work() as uow:
        export = uow.session.get(Export, export_id, with_for_update=True)
        if client_keys.export_clients_shredded(uow, export_id):
            return False
        export.status, export.ready_at, export.blob_kept = "ready", utcnow(), True
        export.expires_at = export.ready_at + policy.ttl
        export.size, export.sha256 = archive.size, archive.sha256
        _announce(uow, export, records["profile"], public_url)
    return True


def _client_ids(records):
    """The clients whose data the export holds: of its dossiers, products, consents."""
    items = records["dossiers"] + records["products"] + records["consents"]
    return sorted({item["client_id"] for item in items if item.get("client_id")})


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


def _failed(store, blobs, export_id):
    """A round failed: whatever it wrote never opens again (its key is destroyed) and
    is deleted; after MAX_ATTEMPTS rounds the export is `failed`."""
    with store.unit_of_work() as uow:
        export = uow.session.get(Export, export_id, with_for_update=True)
        client_keys.destroy_export_keys(uow, export_id)
        export.attempts += 1
        if export.attempts >= exports.MAX_ATTEMPTS:
            export.status = "failed"
    blobs.delete(export_id)


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
    """Destroys the keys and deletes the files of exports downloaded or expired
    (exports.due_for_removal)."""
    with store.unit_of_work() as uow:
        gone = exports.due_for_removal(uow, utcnow())
    for name in gone:
        blobs.delete(name)
    if gone:
        log.info("removed %d export files", len(gone))
