"""Keys for crypto-shredding: the data key of every blob of a client is wrapped by the
client's key (sealing.py, header version 2), which documents keeps in its own database
wrapped by the key-encryption key. When the retention of the client's records ends,
`shred` destroys the client's keys: their blobs stay where they are (in the store, in
backups, in S3 versions) but can never be decrypted again.

A client's export (exports.py) is sealed the same way under a key of its own, made for
that one export (`key_for_export`) and destroyed when its file goes: downloaded and
removed, expired, or failed (`destroy_export_keys`), or when any client whose data it
holds is shredded. A copy of its blob left behind opens no more.

Race-free on SQLite and PostgreSQL: a client's current key is the one row whose unique
`current_for` is the client, and shredding a client without a key writes that row,
destroyed. So two uploads at once end with one key, and an upload racing the shredding
either fails the unique index (and then reads the destroyed row: BlobShredded) or made
its key first (and the shredding destroys it).

Blobs written before client keys existed (version 1) stay readable under the KEK alone;
they are not shredded by this (see docs/privacy.md)."""

import secrets

from sqlalchemy import or_, select, update
from sqlalchemy.exc import IntegrityError

from services.common.db import utcnow
from services.common.field_backfill import blank_plain
from services.common.sealed_columns import shred_owner

from .exceptions import BlobDamaged, BlobShredded
from .models import ClientFieldKey, Document, DocumentRequest, ExportClient, Upload
from .models import ClientKey as ClientKeyRow
from .sealing import ClientKey, unwrap_client_key, wrap_client_key


def key_for_client(store, keyring, client_id):
    """-> the ClientKey that new blobs of the client are sealed under (made on first
    use, in its own unit of work). BlobShredded if the client's keys were shredded:
    nothing new is kept. A key made meanwhile by another worker is that one."""
    try:
        with store.unit_of_work() as uow:
            return client_key_in(uow, keyring, client_id)
    except IntegrityError:  # another made the current key (or shredded) just now
        with store.unit_of_work() as uow:
            return client_key_in(uow, keyring, client_id)


def client_key_in(uow, keyring, client_id):
    """key_for_client within `uow`: IntegrityError at its commit if another unit of work
    made the client's current row meanwhile (then read again)."""
    if is_shredded(uow, client_id):
        raise BlobShredded({"reason": "client_erased"})
    row = uow.session.scalar(select(ClientKeyRow).where(ClientKeyRow.current_for == client_id))
    if row is not None:
        return unwrap_client_key(keyring, row.kek_id, row.id, row.wrapped)
    key = ClientKey.new()
    uow.session.add(_new_row(keyring, key, client_id=client_id, current_for=client_id))
    return key


def key_for_export(store, keyring, export_id, client_ids):
    """-> a new ClientKey for the blob of export `export_id`, whose data is of
    `client_ids` (any key of an earlier round of it is destroyed). BlobShredded if one
    of those clients was shredded."""
    with store.unit_of_work() as uow:
        destroy_export_keys(uow, export_id)
        if any(is_shredded(uow, client_id) for client_id in client_ids):
            raise BlobShredded({"reason": "client_erased"})
        known = set(
            uow.session.scalars(
                select(ExportClient.client_id).where(ExportClient.export_id == export_id)
            )
        )
        for client_id in set(client_ids) - known:
            uow.session.add(ExportClient(export_id=export_id, client_id=client_id))
        key = ClientKey.new()
        uow.session.add(_new_row(keyring, key, export_id=export_id))
        return key


def export_clients_shredded(uow, export_id):
    """True if a client whose data the export holds was shredded."""
    query = select(ExportClient.client_id).where(ExportClient.export_id == export_id)
    return any(is_shredded(uow, client_id) for client_id in uow.session.scalars(query))


def destroy_export_keys(uow, export_id):
    """The export's keys are destroyed for good: its blob, wherever a copy of it is,
    never opens again. -> how many were destroyed now."""
    return _destroy(uow, ClientKeyRow.export_id == export_id)


def _new_row(keyring, key, **owner):
    kek_id, wrapped = wrap_client_key(keyring, key)
    return ClientKeyRow(id=key.id, kek_id=kek_id, wrapped=wrapped, created_at=utcnow(), **owner)


def open_key(uow, keyring, key_id):
    """-> the 32 bytes of the key `key_id` (a blob header names it); BlobShredded
    once it was destroyed, BlobDamaged for an id documents never made."""
    row = uow.session.get(ClientKeyRow, key_id)
    if row is None:
        raise BlobDamaged({"reason": "unknown_key_id"})
    if row.wrapped is None:
        raise BlobShredded({"reason": "export_gone" if row.export_id else "client_erased"})
    return unwrap_client_key(keyring, row.kek_id, row.id, row.wrapped).key


def key_reader(store, keyring):
    """-> `client_keys(key_id)` for BlobStore.read: each key opened in its own unit of
    work (a blob is read outside any transaction)."""

    def read(key_id):
        with store.unit_of_work() as uow:
            return open_key(uow, keyring, key_id)

    return read


def shred_client(store, client_id):
    """The end of the client's retention: `shred` (blob and export keys) and the client's
    field key (the sealed titles and names, models.py) destroyed in one unit of work;
    once more if a key was made at the same time (the unique current row): then that key
    is destroyed too. Destroying the field key erases what was sealed under it; the
    titles and names written before sealing existed (still plain text) are blanked.
    Idempotent. -> how many blob keys were destroyed now."""
    try:
        with store.unit_of_work() as uow:
            return _shred_all(uow, client_id)
    except IntegrityError:
        with store.unit_of_work() as uow:
            return _shred_all(uow, client_id)


def _shred_all(uow, client_id):
    """The blob keys first: their current row is the transaction's first write, so a key
    made meanwhile fails it (see shred) before this transaction holds a write lock
    (SQLite: one writer at a time). Then the field key and the plain leftovers."""
    destroyed = shred(uow, client_id)
    _shred_fields(uow.session, client_id)
    return destroyed


def _shred_fields(session, client_id):
    shred_owner(session, ClientFieldKey, client_id)
    for model in (Document, Upload, DocumentRequest):
        blank_plain(session, model, model.client_id == client_id)


def shred(uow, client_id):
    """Destroy every key of the client for good, and the keys of the exports holding
    their data -> how many were destroyed now (0 when already shredded or the client
    never stored a blob: it is idempotent). A client who never had a key gets a
    destroyed current one, so that key_for_client makes none later (IntegrityError if
    a key was made meanwhile: shred again, see shred_client)."""
    current = select(ClientKeyRow.id).where(ClientKeyRow.current_for == client_id)
    if uow.session.scalar(current) is None:
        now = utcnow()
        uow.session.add(
            ClientKeyRow(
                id=secrets.token_hex(16), client_id=client_id, current_for=client_id,
                kek_id="-", wrapped=None, created_at=now, shredded_at=now,
            )
        )  # fmt: skip
        uow.session.flush()  # before the update: a key made meanwhile fails it
    exports = select(ExportClient.export_id).where(ExportClient.client_id == client_id)
    return _destroy(
        uow, or_(ClientKeyRow.client_id == client_id, ClientKeyRow.export_id.in_(exports))
    )


def _destroy(uow, which):
    result = uow.session.execute(
        update(ClientKeyRow)
        .where(which, ClientKeyRow.wrapped.is_not(None))
        .values(wrapped=None, shredded_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    return result.rowcount


def is_shredded(uow, client_id):
    """True once the client's keys were destroyed."""
    return (
        uow.session.scalar(
            select(ClientKeyRow.id)
            .where(ClientKeyRow.client_id == client_id, ClientKeyRow.wrapped.is_(None))
            .limit(1)
        )
        is not None
    )
