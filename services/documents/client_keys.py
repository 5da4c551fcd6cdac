"""Each client's key, for crypto-shredding: the data key of every blob of a client is
wrapped by the client's key (sealing.py, header version 2), which documents keeps in its
own database wrapped by the key-encryption key. When the retention of the client's
records ends, `shred` destroys the client's keys: their blobs stay where they are (in
the store, in backups, in S3 versions) but can never be decrypted again.

Blobs written before client keys existed (version 1) stay readable under the KEK alone;
they are not shredded by this (see docs/privacy.md)."""

import secrets

from sqlalchemy import select, update

from services.common.db import utcnow

from .exceptions import BlobDamaged, BlobShredded
from .models import ClientKey as ClientKeyRow
from .sealing import ClientKey, unwrap_client_key, wrap_client_key


def key_for_client(uow, keyring, client_id):
    """-> the ClientKey that new blobs of the client are sealed under (made on first
    use). BlobShredded if the client's keys were shredded: nothing new is kept."""
    rows = list(
        uow.session.scalars(
            select(ClientKeyRow)
            .where(ClientKeyRow.client_id == client_id)
            .order_by(ClientKeyRow.created_at, ClientKeyRow.id)
        )
    )
    if any(row.wrapped is None for row in rows):
        raise BlobShredded({"reason": "client_erased"})
    if rows:
        return unwrap_client_key(keyring, rows[0].kek_id, rows[0].id, rows[0].wrapped)
    key = ClientKey.new()
    kek_id, wrapped = wrap_client_key(keyring, key)
    uow.session.add(
        ClientKeyRow(
            id=key.id, client_id=client_id, kek_id=kek_id, wrapped=wrapped, created_at=utcnow()
        )
    )
    return key


def open_key(uow, keyring, key_id):
    """-> the 32 bytes of the client key `key_id` (a blob header names it); BlobShredded
    once it was destroyed, BlobDamaged for an id documents never made."""
    row = uow.session.get(ClientKeyRow, key_id)
    if row is None:
        raise BlobDamaged({"reason": "unknown_key_id"})
    if row.wrapped is None:
        raise BlobShredded({"reason": "client_erased"})
    return unwrap_client_key(keyring, row.kek_id, row.id, row.wrapped).key


def key_reader(store, keyring):
    """-> `client_keys(key_id)` for BlobStore.read: each key opened in its own unit of
    work (a blob is read outside any transaction)."""

    def read(key_id):
        with store.unit_of_work() as uow:
            return open_key(uow, keyring, key_id)

    return read


def shred(uow, client_id):
    """Destroy every key of the client, for good -> how many were destroyed now (0 when
    already shredded or the client never stored a blob: it is idempotent). A client who
    never had a key gets a destroyed one, so that key_for_client makes none later."""
    result = uow.session.execute(
        update(ClientKeyRow)
        .where(ClientKeyRow.client_id == client_id, ClientKeyRow.wrapped.is_not(None))
        .values(wrapped=None, shredded_at=utcnow())
    )
    known = select(ClientKeyRow.id).where(ClientKeyRow.client_id == client_id).limit(1)
    if uow.session.scalar(known) is None:
        now = utcnow()
        uow.session.add(
            ClientKeyRow(
                id=secrets.token_hex(16), client_id=client_id, kek_id="-", wrapped=None,
                created_at=now, shredded_at=now,
            )
        )  # fmt: skip
    return result.rowcount


def is_shredded(uow, client_id):
    """True once the client's keys were destroyed."""
    return (
        uow.session.scalar(
            select(ClientKeyRow.id).where(
                ClientKeyRow.client_id == client_id, ClientKeyRow.wrapped.is_(None)
            )
        )
        is not None
    )
