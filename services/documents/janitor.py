"""Removes what uploads leave behind when they never become documents: refused files,
forms abandoned half-way, transfers cut off by a crash (their temporary files too).
A document's own blob is never touched: only uploads not `attached` are."""

import logging
from datetime import timedelta

from sqlalchemy import delete, select

from services.common.db import utcnow

from . import uploads
from .models import DownloadTicket, Upload
from .states import UploadStates

log = logging.getLogger(__name__)

# Long enough for a slow 1 GiB upload still in progress; a crash leaves `receiving`.
STALE_AFTER = timedelta(hours=6)
UNFINISHED = UploadStates.sources(UploadStates.DISCARDED)


def remove_stale_uploads(store, blobs):
    now = utcnow()
    with store.unit_of_work() as uow:
        candidates = list(
            uow.session.scalars(
                select(Upload.id)
                .where(Upload.status.in_(UNFINISHED), Upload.created_at < now - STALE_AFTER)
                .limit(500)
            )
        )
        # Guarded: an upload attached meanwhile is a document's now and stays.
        stale = [
            name for name in candidates if uploads.move_upload(uow, name, UploadStates.DISCARDED)
        ]
        uow.session.execute(delete(DownloadTicket).where(DownloadTicket.expires_at < now))
    for name in stale:
        blobs.delete(name)
    temp = blobs.storage.remove_stale_temp(int(STALE_AFTER.total_seconds()))
    if stale or temp:
        log.info("removed %d stale uploads and %d temporary files", len(stale), temp)
