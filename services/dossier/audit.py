"""The audit trail: who did what to which object, and when. Staff read it per dossier;
a client reads it for their own data (look-along sessions included)."""

import time
from datetime import UTC, datetime

from sqlalchemy import and_, or_, select
from sqlalchemy import event as orm_event

from services.common.context import Principal
from services.common.db import new_id, utcnow
from services.common.errors import Forbidden
from services.common.paging import desc
from services.common.settings import env_int

from .access import own_client_ids
from .models import AuditEntry

LOOK_ALONG = " (look-along)"  # a session acting for the staff member behind it


def record(uow, principal, action, client_id, object_type, object_id, dossier_id=None, at=None):
    """A look-along session acts for the staff member behind it, not for the client."""
    actor_id, actor_kind = (
        (principal.account_id, principal.actor_kind) if principal else (None, None)
    )
    if principal and principal.looked_along_by:
        actor_id, actor_kind = principal.looked_along_by, "staff"
        action = f"{action}{LOOK_ALONG}"
    uow.session.add(
        AuditEntry(
            id=new_id(),
            at=at or utcnow(),
            actor_id=actor_id,
            actor_kind=actor_kind,
            action=action,
            client_id=client_id,
            dossier_id=dossier_id,
            object_type=object_type,
            object_id=object_id,
        )
    )


# A view is recorded once per session and object per VIEW_INTERVAL_S: a page that is
# opened again and again within minutes is one viewing in the trail, and a read does not
# write each time. Kept per process (a second instance may record the same viewing once
# more; a restart forgets), set only once the entry is committed.
VIEW_INTERVAL_S = env_int("AUDIT_VIEW_INTERVAL_S", 300)
MAX_VIEWS_KEPT = 50_000
_views = {}  # (actor, session, action, object_id) -> monotonic time recorded


def record_view(uow, principal, action, client_id, object_type, object_id, dossier_id=None):
    """`record` for looking at something, at most once per VIEW_INTERVAL_S per session."""
    key = (principal.account_id, principal.session_id, action, object_id)
    now = time.monotonic()
    if now - _views.get(key, -VIEW_INTERVAL_S) < VIEW_INTERVAL_S:
        return
    record(uow, principal, action, client_id, object_type, object_id, dossier_id)

    def recorded(_session):
        if len(_views) >= MAX_VIEWS_KEPT:
            _views.clear()
        _views[key] = now

    orm_event.listen(uow.session, "after_commit", recorded, once=True)


def record_event(uow, event, action, object_type, object_id):
    """Another service's fact about a dossier (documents' events): recorded for its actor
    (`actor`, `actor_kind`; a look-along session for `looked_along_by`) at the time it
    happened, not the time it reached us."""
    actor = Principal(
        account_id=event.get("actor"),
        kind=event.get("actor_kind"),
        looked_along_by=event.get("looked_along_by"),
    )
    # What the client may not see (lender items, documents not shown to them) stays out
    # of the client's own trail (GET /me/audit): the entry belongs to the dossier only.
    client_id = event["client_id"] if event.get("client_visible", True) else None
    record(
        uow,
        actor,
        action,
        client_id,
        object_type,
        object_id,
        event["dossier_id"],
        at=occurred_at(event),
    )


def occurred_at(event):
    """The event's `occurred_at` as an aware UTC datetime (now, when absent or unreadable)."""
    try:
        moment = datetime.fromisoformat(event["occurred_at"])
    except (KeyError, TypeError, ValueError):
        return utcnow()
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def for_dossier(uow, pager, dossier, limit=50, cursor=None):
    """A page of the dossier's own entries, and the look-along sessions of its client (a
    session sees every dossier of the client)."""
    return _entries(
        uow,
        pager,
        or_(
            AuditEntry.dossier_id == dossier.id,
            and_(AuditEntry.client_id == dossier.client_id, AuditEntry.action == "look_along"),
        ),
        limit,
        cursor,
        scope=f"audit:dossier:{dossier.id}",
    )


# What the client's own trail shows: what was done with their data (looked at, taken,
# shown, delivered, signed, shared, their record and access), by whom. The office's
# internal work (products, mortgage applications and their status, tasks, its own
# dossier edits) is not listed: an action is shown only when it is named here.
CLIENT_ACTIONS = frozenset(
    {
        "dossier_viewed",
        "document_downloaded",
        "message_read",
        "look_along",
        "document_shown",
        "document_hidden",
        "document_uploaded",
        "document_signed",
        "message_posted",
        "questionnaire_assigned",
        "questionnaire_completed",
        "request_created",
        "request_approved",
        "request_rejected",
        "client_created",
        "client_updated",
        "dossier_opened",
        "consent_given",
        "consent_withdrawn",
        "invitation_sent",
        "link_requested",
        "invitation_accepted",
        "invitation_declined",
        "portal_unlinked",
        "extra_account_added",
        "extra_account_removed",
        "export_downloaded",
        "erasure_requested",
        "erasure_request_recorded",
        "relationship_ended",
    }
)


def client_actions():
    """Every action string the client's trail may show, look-along variants included."""
    return sorted(CLIENT_ACTIONS | {a + LOOK_ALONG for a in CLIENT_ACTIONS})


def about_account(account_id):
    """The entries that name the account as their object (an office ended the
    relationship with it)."""
    return and_(AuditEntry.object_type == "account", AuditEntry.object_id == account_id)


def for_client_account(uow, pager, principal, limit=50, cursor=None):
    """A page of the client's own data: their client records, and their company's; only
    the actions in CLIENT_ACTIONS."""
    if principal.kind != "client":
        raise Forbidden()
    condition = AuditEntry.client_id.in_(own_client_ids(uow, principal))
    if not principal.scope_office_id:  # and what was done to their account (its end)
        condition = or_(
            condition,
            AuditEntry.actor_id == principal.account_id,
            about_account(principal.account_id),
        )
    return _entries(
        uow,
        pager,
        and_(condition, AuditEntry.action.in_(client_actions())),
        limit,
        cursor,
        scope=f"audit:account:{principal.account_id}",
    )


def _entries(uow, pager, condition, limit, cursor, scope):
    """Newest first, a page at a time (ix_audit_entries_at)."""
    rows, next_cursor = pager.page(
        uow.session,
        select(AuditEntry).where(condition),
        [desc(AuditEntry.at), desc(AuditEntry.id)],
        limit,
        cursor,
        scope,
    )
    return {
        "items": [
            {
                "at": e.at.isoformat(),
                "actor": {"id": e.actor_id, "kind": e.actor_kind},
                "action": e.action,
                "object": {"type": e.object_type, "id": e.object_id},
                "dossier_id": e.dossier_id,
            }
            for e in rows
        ],
        "next_cursor": next_cursor,
    }
