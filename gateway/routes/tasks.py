"""Staff tasks (dossier): work waiting for the caller's offices, such as reviewing a
document that a client delivered for a request."""

from ..http import paging, route
from ..schemas import TaskList, TaskOut, TaskQuery


@route(
    "GET",
    "/tasks",
    query=TaskQuery,
    tag="tasks",
    responses={200: ("tasks of the caller's offices, newest first", TaskList)},
)
def list_tasks(call):
    """Staff: the tasks of all their offices for the clients that share with them.
    `status` open (default), done or all."""
    return 200, call.services.dossier.list_tasks(status=call.query["status"], **paging(call))


@route(
    "POST",
    "/tasks/<task_id>/done",
    changes_access=False,
    tag="tasks",
    responses={
        200: ("done (a task done already is returned as it is)", TaskOut),
        404: ("not_found", None),
    },
)
def complete_task(call, task_id):
    """Staff: mark the task done."""
    return 200, call.services.dossier.complete_task(task_id)
