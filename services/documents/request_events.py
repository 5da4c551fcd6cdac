"""The events of a document request, built in one place for every way a request is made
or decided (checklist.py by staff, hdn_import.py from a lender's DA, validity.py when a
delivery went stale), with one rule for what the client may be told."""

from .events import RequestCreated, RequestReviewed


def client_may_see(item):
    """The client sees the requests they deliver and those a source delivered for
    information, never the lender's (access.py): what their events may tell them."""
    return item.deliver_by != "lender"


def announce_created(uow, item, actor_fields, actor):
    """`actor_fields`: library.actor_of(principal); `actor`: the principal's account."""
    uow.emit(
        RequestCreated(
            request_id=item.id,
            dossier_id=item.dossier_id,
            office_id=item.office_id,
            client_id=item.client_id,
            title=item.title,
            deliver_by=item.deliver_by,
            client_visible=client_may_see(item),
            **actor_fields,
        ),
        actor=actor,
    )


def announce_reviewed(uow, item, decision, reason, actor_fields, actor):
    """`actor_fields`: library.actor_of(principal), or the system's (validity.py)."""
    uow.emit(
        RequestReviewed(
            request_id=item.id,
            dossier_id=item.dossier_id,
            office_id=item.office_id,
            client_id=item.client_id,
            title=item.title,
            deliver_by=item.deliver_by,
            decision=decision,
            reason=reason,
            client_visible=client_may_see(item),
            **actor_fields,
        ),
        actor=actor,
    )
