"""Who sees what in documents. Documents, requests and uploads belong to a dossier, and
who sees a dossier is dossier's rule (services/dossier/access.py), asked over RPC with
the caller's own principal in the context:

- `dossier_access`: may the caller see this dossier? dossier answers {dossier_id,
  office_id, client_id, as: "staff"|"client"} or NotFound (also for the admin);
- `visible_dossier_ids`: which dossiers does the caller see (a client's lists across
  dossiers): one RPC, one indexed query in dossier.

Inside a dossier the caller sees, documents decide the rest here: staff see every
document and request; a client sees the documents shown to them (`public`) and the
requests they deliver (`deliver_by` "client") and those an HDN lender fetched from a
data source ("source", for information), never the lender's. The admin (the
lender) reaches lender items without a dossier (checklist.check_uploader)."""

from typing import Any

from sqlalchemy import ColumnElement, and_, true

from services.common.errors import NotFound

from .models import Document, DocumentRequest

Access = dict[str, Any]  # dossier's answer: {dossier_id, office_id, client_id, as, ...}


def dossier_access(dossier: Any, dossier_id: str) -> Access:
    """dossier's answer for the caller (`dossier`: the RPC proxy that carries the
    caller's principal); NotFound when they may not see it."""
    return dossier.check_dossier_access(dossier_id)


def document_access(store: Any, dossier: Any, document_id: str) -> Access:
    """The caller's access to the document's dossier (NotFound for an unknown one).
    The unit of work ends before dossier is asked: no transaction waits on an RPC."""
    with store.unit_of_work() as uow:
        document = uow.session.get(Document, document_id)
        if document is None:
            raise NotFound()
        dossier_id = document.dossier_id
    return dossier_access(dossier, dossier_id)


def visible_dossier_ids(dossier: Any) -> list[str]:
    """The ids of the dossiers the caller sees, from dossier."""
    return dossier.visible_dossier_ids()


def sees_document(access: Access, document: Document) -> bool:
    """One document, for a caller with `access` to a dossier."""
    return document.dossier_id == access["dossier_id"] and (
        access["as"] != "client" or document.public
    )


def documents_clause(access: Access) -> ColumnElement[bool]:
    """`sees_document` in SQL."""
    shown = Document.public.is_(True) if access["as"] == "client" else true()
    return and_(Document.dossier_id == access["dossier_id"], shown)


def requests_clause(access: Access) -> ColumnElement[bool]:
    """The dossier's requests the caller sees: a client, the ones they deliver."""
    shown = DocumentRequest.deliver_by.in_(("client", "source"))  # source: for information
    theirs = shown if access["as"] == "client" else true()
    return and_(DocumentRequest.dossier_id == access["dossier_id"], theirs)
