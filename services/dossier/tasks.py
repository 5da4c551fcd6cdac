"""Staff tasks: work waiting for an office. A `review_upload` task opens when a client
delivers a document for a document request, and is done when the request is reviewed
or when a staff member marks it done. An `answer_message` task opens when a client
writes (a message or a reply), and is done when staff reply in that thread or a staff
member marks it done. Staff see the tasks of their offices for the clients they may
see: consent applies exactly as for dossiers."""

from sqlalchemy import select

from services.common.db import new_id, utcnow
from services.common.errors import Forbidden, NotFound
from services.common.paging import desc
from services.common.schemas import load

from . import audit
from .access import can_see, client_clause
from .models import AuditEntry, Client, Dossier, Message, Task
from .schemas import TaskFilter

REVIEWED = ("request_approved", "request_rejected")  # the audit actions of a review


def list_tasks(uow, pager, principal, status="open", limit=50, cursor=None):
    """Staff: a page of the tasks of their offices for clients that share with them,
    newest first (ix_tasks_office_status_created)."""
    if principal.kind != "staff":
        raise Forbidden()
    load(TaskFilter(), {"status": status})
    query = (
        select(Task)
        .join(Client, Client.id == Task.client_id)
        .where(Task.office_id.in_(list(principal.offices)), client_clause(uow, principal))
    )
    if status != "all":
        query = query.where(Task.status == status)
    rows, next_cursor = pager.page(
        uow.session,
        query,
        [desc(Task.created_at), desc(Task.id)],
        limit,
        cursor,
        scope=f"tasks:{status}",
    )
    return {"items": [describe(task) for task in rows], "next_cursor": next_cursor}


def complete_task(uow, principal, task_id):
    """Staff of the task's office who see its client: done by them. A task that is done
    already is returned as it is (a repeated click changes nothing)."""
    if principal.kind != "staff":
        raise Forbidden()
    task = uow.session.get(Task, task_id, with_for_update=True)
    client = uow.session.get(Client, task.client_id) if task else None
    if (
        task is None
        or task.office_id not in principal.offices
        or client is None
        or not can_see(uow, principal, client)
    ):
        raise NotFound()
    if task.status == "open":
        task.status, task.done_at, task.done_by = "done", utcnow(), principal.account_id
        audit.record(uow, principal, "task_done", task.client_id, "task", task.id, task.dossier_id)
    return describe(task)


def open_review(uow, event):
    """documents' `document_uploaded` for a request: a `review_upload` task for the
    dossier's office. Not when a task of that request is open already, nor when the
    request was reviewed after this upload (each event type has its own queue, so a
    review may arrive first). A concurrent second task hits the partial unique index:
    the inbox retries, and then finds the first."""
    request_id = event.get("request_id")
    if not request_id:
        return None
    uploaded_at = audit.occurred_at(event)
    task = _open_task(uow, request_id)
    if task is not None:  # it now stands for this upload too
        task.last_upload_at = max(task.last_upload_at, uploaded_at)
        return None
    if _reviewed_since(uow, request_id, uploaded_at):
        return None
    dossier = uow.session.get(Dossier, event["dossier_id"])
    if dossier is None:
        raise LookupError("document_uploaded for an unknown dossier")
    task = Task(
        id=new_id(),
        type="review_upload",
        office_id=dossier.office_id,
        dossier_id=dossier.id,
        client_id=dossier.client_id,
        request_id=request_id,
        status="open",
        created_at=uploaded_at,
        last_upload_at=uploaded_at,
    )
    uow.session.add(task)
    uow.session.flush()
    return task


def close_reviewed(uow, event):
    """documents' `request_reviewed`: the open task of the request is done, by the
    reviewer - unless an upload newer than the review arrived first (events of
    different types may come out of order), which the review has not seen."""
    reviewed_at = audit.occurred_at(event)
    for task in uow.session.scalars(
        select(Task)
        .where(
            Task.request_id == event["request_id"],
            Task.status == "open",
            Task.last_upload_at <= reviewed_at,
        )
        .with_for_update()
    ):
        task.status, task.done_at, task.done_by = "done", reviewed_at, event.get("actor")


def _open_task(uow, request_id):
    return uow.session.scalar(
        select(Task).where(Task.request_id == request_id, Task.status == "open").with_for_update()
    )


def _reviewed_since(uow, request_id, moment):
    """Our own record of reviews is the audit trail (entries at the time of the review)."""
    return uow.session.scalar(
        select(AuditEntry.id)
        .where(
            AuditEntry.object_type == "request",
            AuditEntry.object_id == request_id,
            AuditEntry.action.in_(REVIEWED),
            AuditEntry.at >= moment,
        )
        .limit(1)
    )


def open_answer(uow, message):
    """A client's message or reply: an `answer_message` task for the dossier's office,
    unless one is open for its thread already (the message then joins it). The caller
    holds the thread's first message locked, so two replies cannot both open one."""
    task = _open_answer_task(uow, message.thread_id)
    if task is not None:
        task.last_upload_at = max(task.last_upload_at, message.created_at)
        return task
    task = Task(
        id=new_id(),
        type="answer_message",
        office_id=message.office_id,
        dossier_id=message.dossier_id,
        client_id=message.client_id,
        message_id=message.id,
        status="open",
        created_at=message.created_at,
        last_upload_at=message.created_at,
    )
    uow.session.add(task)
    return task


def close_answered(uow, principal, message):
    """A staff member's message in a thread answers it: its open task is done by them."""
    task = _open_answer_task(uow, message.thread_id)
    if task is not None:
        task.status, task.done_at, task.done_by = "done", message.created_at, principal.account_id


def _open_answer_task(uow, thread_id):
    return uow.session.scalar(
        select(Task)
        .join(Message, Message.id == Task.message_id)
        .where(Message.thread_id == thread_id, Task.type == "answer_message", Task.status == "open")
        .with_for_update(of=Task)
    )


def describe(task):
    return {
        "id": task.id,
        "type": task.type,
        "office_id": task.office_id,
        "dossier_id": task.dossier_id,
        "client_id": task.client_id,
        "request_id": task.request_id,
        "message_id": task.message_id,
        "status": task.status,
        "created_at": task.created_at.isoformat(),
        "done_at": task.done_at.isoformat() if task.done_at else None,
        "done_by": task.done_by,
    }
