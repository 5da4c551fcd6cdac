"""The facts of every document, for dossier's read model (its counts per tab)."""

from sqlalchemy import select

from services.common.db import utcnow
from services.common.schemas import load

from .models import Document, Download
from .schemas import FactsPage


def export_facts(uow, after=None, limit=500):
    """For dossier's read model (its counts per tab), once per deployment: a page of
    every document's facts by id, with who downloaded them. -> {documents: [{id,
    dossier_id, category, public, uploaded_by}], downloads: [[document_id, account_id]],
    next_cursor: the last id, or None after the last page, as_of: when the page was
    read (ISO time): an event older than that is already in it}."""
    page = load(FactsPage(), {"after": after, "limit": limit})  # limit within 1..1000
    after, limit = page["after"], page["limit"]
    as_of = utcnow().isoformat()
    documents = _documents(uow, after, limit)
    ids = [d["id"] for d in documents]
    return {
        "documents": documents,
        "downloads": _downloads(uow, ids),
        "next_cursor": ids[-1] if len(ids) == limit else None,
        "as_of": as_of,
    }


def _documents(uow, after, limit):
    query = (
        select(
            Document.id,
            Document.dossier_id,
            Document.category,
            Document.public,
            Document.uploaded_by,
        )
        .order_by(Document.id)
        .limit(limit)
    )
    if after:
        query = query.where(Document.id > after)
    return [row._asdict() for row in uow.session.execute(query)]


def _downloads(uow, document_ids):
    """[[document_id, account_id]] of every download of these documents."""
    if not document_ids:
        return []
    query = select(Download.document_id, Download.account_id)
    rows = uow.session.execute(query.where(Download.document_id.in_(document_ids)))
    return [list(row) for row in rows]
