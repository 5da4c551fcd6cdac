"""A client's export of their own data (AVG art. 15 and 20): asked for, prepared in the
background (export_build.py), downloaded once, and gone after its time.

    preparing -> ready -> downloaded
                      \\-> expired      (not downloaded within EXPORT_TTL_S)
    preparing -> failed                (MAX_ATTEMPTS rounds could not build it)

Only the client themself: not staff, not a look-along session, not the principal the
export itself is gathered with (all read-only or of another kind)."""

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select

from services.common.db import new_id, utcnow
from services.common.errors import NotFound, ReadOnlySession

from . import client_keys
from .downloads import blob_grant
from .events import ExportDownloaded
from .exceptions import ExportGone, ExportTooSoon
from .models import Export

STATUSES = ("preparing", "ready", "downloaded", "expired", "failed")
MAX_ATTEMPTS = 5
KEEP_DOWNLOADED = timedelta(minutes=10)  # the download in flight finishes first


@dataclass(frozen=True)
class ExportPolicy:
    ttl: timedelta  # from ready to expired
    min_interval: timedelta  # between two requests of one client

    @classmethod
    def from_settings(cls, settings):
        return cls(
            timedelta(seconds=settings.export_ttl_s),
            timedelta(seconds=settings.export_min_interval_s),
        )


def require_the_client(caller):
    """The client acting for themself, or ReadOnlySession (a look-along session, or the
    export's own principal); Forbidden for anyone else."""
    principal = caller.require("client")
    if principal.read_only or principal.looked_along_by:
        raise ReadOnlySession()
    return principal


def describe(export):
    return {
        "status": export.status,
        "requested_at": export.requested_at.isoformat(),
        "expires_at": export.expires_at.isoformat() if export.expires_at else None,
    }


def latest(uow, account_id, lock=False):
    query = (
        select(Export)
        .where(Export.account_id == account_id)
        .order_by(Export.requested_at.desc(), Export.id.desc())
        .limit(1)
    )
    return uow.session.scalar(query.with_for_update() if lock else query)


def request(uow, policy, principal):
    """A new export, or the one being prepared (no second build). ExportTooSoon
    (`rate_limited`, with retry_after_s) within `min_interval` of the last request,
    unless that one failed."""
    now, last = utcnow(), latest(uow, principal.account_id, lock=True)
    if last is not None and last.status == "preparing":
        return describe(last)
    if (
        last is not None
        and last.status != "failed"
        and now < last.requested_at + policy.min_interval
    ):
        wait = last.requested_at + policy.min_interval - now
        raise ExportTooSoon({"retry_after_s": max(1, int(wait.total_seconds()) + 1)})
    export = Export(
        id=new_id(),
        account_id=principal.account_id,
        status="preparing",
        language=principal.language or "nl",
        attempts=0,
        blob_kept=False,
        requested_at=now,
    )
    uow.session.add(export)
    return describe(export)


def status(uow, principal):
    """The latest export's {status, requested_at, expires_at}; NotFound when none."""
    export = latest(uow, principal.account_id)
    if export is None:
        raise NotFound()
    if export.status == "ready" and export.expires_at <= utcnow():
        export.status = "expired"  # the timer deletes its file
    return describe(export)


def open_download(uow, principal):
    """The ready export, once: -> a one-time ticket for its bytes; it is `downloaded`
    from now on. NotFound when none; ExportGone when downloaded or expired. Event
    export_downloaded (the client's trail)."""
    export = latest(uow, principal.account_id, lock=True)
    if export is None or export.status in ("preparing", "failed"):
        raise NotFound()
    if export.status != "ready" or export.expires_at <= utcnow():
        raise ExportGone()
    export.status, export.downloaded_at = "downloaded", utcnow()
    uow.emit(
        ExportDownloaded(export_id=export.id, account_id=principal.account_id),
        actor=principal.account_id,
    )
    day = export.requested_at.date().isoformat()
    name = f"kluis-gegevens-{day}.zip"
    return blob_grant(uow, export.id, name, export.size, "application/zip", export.sha256)


def due_for_removal(uow, now):
    """Exports whose file goes now: expired (or past their time), or downloaded a while
    ago. They are marked so and their keys destroyed; -> their blob names, to delete
    after the commit."""
    rows = uow.session.scalars(
        select(Export).where(Export.blob_kept.is_(True)).with_for_update().limit(200)
    ).all()
    gone = []
    for export in rows:
        if export.status == "ready" and export.expires_at <= now:
            export.status = "expired"
        if export.status == "expired" or (
            export.status == "downloaded" and export.downloaded_at + KEEP_DOWNLOADED <= now
        ):
            export.blob_kept = False
            client_keys.destroy_export_keys(uow, export.id)  # a copy never opens again
            gone.append(export.id)
    return gone
