"""dossier's entrypoints for staff tasks (see tasks.py). Mixed into DossierService."""

from services.common.service import rpc

from . import tasks


class TaskEntrypoints:
    @rpc
    def list_tasks(self, status="open", limit=50, cursor=None):
        """Staff: the tasks of their offices for the clients they may see (consent
        applied), newest first. `status` open (default), done or all; else
        ValidationFailed. -> {items: [{id, type (review_upload | answer_message),
        office_id, dossier_id, client_id, request_id, message_id, status, created_at,
        done_at, done_by}], next_cursor}, a page."""
        principal = self.caller.require("staff")
        with self.store.unit_of_work() as uow:
            return tasks.list_tasks(uow, self.paging, principal, status, limit, cursor)

    @rpc
    def complete_task(self, task_id):
        """Staff: marks the task done by the caller. -> the task (unchanged when done
        already); NotFound for another office's task or a client who does not share."""
        principal = self.caller.require("staff", write=True)
        with self.store.unit_of_work() as uow:
            return tasks.complete_task(uow, principal, task_id)
