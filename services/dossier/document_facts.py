"""The read model of documents' facts that dossier keeps from documents' events, so that a
dossier's answers carry their counts per tab without asking documents (issue #15: one
RPC per authenticated read).

Kept per document: its dossier, category, `public` and who uploaded it; per (document,
reader): that the reader downloaded it. Every write is idempotent (an event taken twice,
or a replayed one, changes nothing more) and order-proof (documents' events come on a
queue per event type, so a visibility change may arrive before its upload, and an older
change after a newer one): `public` follows the newest change by its `occurred_at`.

Documents that existed before this read model did come from documents once, a page at a
time (`backfill`, from a timer of dossier's: documents.export_document_facts). A row the
backfill wrote yields to any visibility event; the backfill never overwrites a row an
event wrote.

The counts are eventually consistent: an upload, download or visibility change shows
once its event was relayed and handled (within about a second, RELAY_INTERVAL_S)."""

import logging
from datetime import datetime, timedelta

from sqlalchemy import and_, bindparam, case, func, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite

from services.common.db import utcnow

from .audit import occurred_at
from .models import Backfill, DocumentFact, DocumentRead

log = logging.getLogger(__name__)

BACKFILL = "document_facts"
BACKFILL_PAGE = 500
BACKFILL_PAGES_PER_ROUND = 40  # a round holds a timer worker for a bounded while
TABS = {
    "document": "documents",
    "correspondence": "correspondence",
    "delivered_by_me": "delivered_by_me",
}


# -- keeping the facts (documents' events) ------------------------------------------------
def document_uploaded(uow, event):
    """{document_id, dossier_id, category, public, actor (the uploader)}: a new document.
    Never changes a row that is there already (its visibility change came first)."""
    _insert_or_ignore(
        uow,
        DocumentFact,
        ["id"],
        [
            {
                "id": event["document_id"],
                "dossier_id": event["dossier_id"],
                "category": event["category"],
                "public": bool(event["public"]),
                "uploaded_by": event["actor"],
                "public_at": occurred_at(event),
            }
        ],
    )


def visibility_changed(uow, event):
    """{document_id, dossier_id, public, category, uploaded_by}: `public` as of the event,
    unless a newer change was recorded already. An event from before documents sent
    `category` and `uploaded_by`, for a document not known yet, waits for its upload (the
    inbox retries it)."""
    at = occurred_at(event)
    newer = or_(DocumentFact.public_at.is_(None), DocumentFact.public_at < at)
    if "category" not in event or "uploaded_by" not in event:
        changed = uow.session.execute(
            update(DocumentFact)
            .where(DocumentFact.id == event["document_id"], newer)
            .values(public=bool(event["public"]), public_at=at)
        )
        if not changed.rowcount and uow.session.get(DocumentFact, event["document_id"]) is None:
            raise LookupError("visibility change before its upload")
        return
    insert = _dialect_insert(uow)(DocumentFact).values(
        id=event["document_id"],
        dossier_id=event["dossier_id"],
        category=event["category"],
        public=bool(event["public"]),
        uploaded_by=event["uploaded_by"],
        public_at=at,
    )
    uow.session.execute(
        insert.on_conflict_do_update(
            index_elements=["id"],
            set_={"public": insert.excluded.public, "public_at": insert.excluded.public_at},
            where=newer,
        )
    )


def document_downloaded(uow, event):
    """{document_id, actor, looked_along_by}: read for the reader from now on; a
    look-along session reads nothing for the client (as documents' own mark)."""
    if event.get("looked_along_by"):
        return
    _insert_or_ignore(
        uow,
        DocumentRead,
        ["document_id", "account_id"],
        [{"document_id": event["document_id"], "account_id": event["actor"]}],
    )


def _insert_or_ignore(uow, model, key, rows):
    """Rows whose key is there already are left as they are (500 a statement: SQLite
    bounds the number of parameters)."""
    for start in range(0, len(rows), 500):
        uow.session.execute(
            _dialect_insert(uow)(model)
            .values(rows[start : start + 500])
            .on_conflict_do_nothing(index_elements=key)
        )


def _dialect_insert(uow):
    """INSERT with ON CONFLICT, which SQLite and PostgreSQL both have."""
    dialect = uow.session.get_bind().dialect.name
    return postgresql.insert if dialect == "postgresql" else sqlite.insert


# -- reading the counts ---------------------------------------------------------------------
def counts_query(public_only):
    """The counts of a page of dossiers' documents for one reader, a select built once
    (dossiers._tabs runs it on every dossier page, beside messages' counts): rows
    (dossier_id, category, total, unread), one per dossier and category present. A client
    counts the public documents only; unread = neither downloaded by the reader nor
    uploaded by them. Parameters: `me`, the reader's account; `dossier_ids`, a list. Read
    from ix_document_facts_counts and the key of document_reads."""
    me = bindparam("me")
    read = or_(DocumentRead.document_id.is_not(None), DocumentFact.uploaded_by == me)
    query = (
        select(
            DocumentFact.dossier_id,
            DocumentFact.category,
            func.count(),
            func.sum(case((read, 0), else_=1)),
        )
        .outerjoin(
            DocumentRead,
            and_(DocumentRead.document_id == DocumentFact.id, DocumentRead.account_id == me),
        )
        .where(DocumentFact.dossier_id.in_(bindparam("dossier_ids", expanding=True)))
        .group_by(DocumentFact.dossier_id, DocumentFact.category)
    )
    return query.where(DocumentFact.public.is_(True)) if public_only else query


# -- the backfill -----------------------------------------------------------------------------
WAITING_CODES = ("service_unavailable", "service_timeout")  # services/common/rpc.py
_waiting = []  # not empty while the backfill waits for documents (said once)


def backfill(store, export_page):
    """Copies documents' existing facts in, a page at a time, once: resumes where it
    stopped, and does nothing once done. `export_page(after, limit)` is
    documents.export_document_facts. Documents unreachable (it starts later, or is
    down): the next round tries again."""
    with store.unit_of_work() as uow:
        state = uow.session.get(Backfill, BACKFILL)
        if state is None or state.done_at is not None:
            return
        cursor = state.cursor
    for _ in range(BACKFILL_PAGES_PER_ROUND):
        page = _export(export_page, cursor)
        if page is None:
            return
        with store.unit_of_work() as uow:
            cursor = take_page(uow, page)
        if cursor is None:
            log.info("dossier: the backfill of document facts is complete")
            return


def _export(export_page, cursor):
    """-> documents' page after `cursor`, or None when documents did not give it (the
    next round tries again)."""
    try:
        page = export_page(after=cursor, limit=BACKFILL_PAGE)
    except Exception as exc:
        if getattr(exc, "code", None) in WAITING_CODES:
            # Not there yet (it may start after dossier) or slow. Said once, at INFO: a
            # normal start is no cause for alarm.
            if not _waiting:
                log.info(
                    "dossier: the backfill of document facts waits for documents (%s)",
                    type(exc).__name__,
                )
                _waiting.append(exc)
            return None
        # anything else is worth a look
        log.warning(
            "dossier: the backfill of document facts failed (%s: %s)", type(exc).__name__, exc
        )
        return None
    _waiting.clear()
    return page


def take_page(uow, page):
    """One page of documents.export_document_facts into the read model, and where the
    next one starts (None: that was the last; the backfill is done). A row is as current as
    the page (`as_of`, less SNAPSHOT_MARGIN for a change committed while the page was
    read and for clocks that differ a little): a visibility event from before that, such
    as a parked one replayed, does not undo it; a later one does."""
    _insert_or_ignore(uow, DocumentFact, ["id"], _fact_rows(page, _as_of(page)))
    downloads = [
        {"document_id": document_id, "account_id": account_id}
        for document_id, account_id in page["downloads"]
    ]
    _insert_or_ignore(uow, DocumentRead, ["document_id", "account_id"], downloads)
    cursor = page["next_cursor"]
    uow.session.execute(
        update(Backfill)
        .where(Backfill.name == BACKFILL)
        .values(cursor=cursor, done_at=None if cursor else utcnow())
    )
    return cursor


def _fact_rows(page, as_of):
    return [
        {
            "id": d["id"],
            "dossier_id": d["dossier_id"],
            "category": d["category"],
            "public": bool(d["public"]),
            "uploaded_by": d["uploaded_by"],
            "public_at": as_of,
        }
        for d in page["documents"]
    ]


SNAPSHOT_MARGIN = timedelta(seconds=60)


def _as_of(page):
    """When documents read the page, less SNAPSHOT_MARGIN; None (any event outranks the
    row) for a page from a documents that does not say."""
    try:
        return datetime.fromisoformat(page["as_of"]) - SNAPSHOT_MARGIN
    except (KeyError, TypeError, ValueError):
        return None
