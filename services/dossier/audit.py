"""The audit trail: who did what to which object, and when. Staff read it per dossier;
a client reads it for their own data (look-along sessions included)."""
from sqlalchemy import or_, select

from services.common.db import new_id, utcnow
from services.common.errors import Forbidden

from .models import AuditEntry, Client


def record(uow, principal, action, client_id, object_type, object_id, dossier_id=None):
    uow.session.add(AuditEntry(
        id=new_id(), at=utcnow(), actor_id=principal.account_id if principal else None,
        actor_kind=principal.kind if principal else None, action=action, client_id=client_id,
        dossier_id=dossier_id, object_type=object_type, object_id=object_id))


def for_dossier(uow, dossier_id):
    return _entries(uow, AuditEntry.dossier_id == dossier_id)


def for_client_account(uow, principal):
    """The client's own data: their client records, and their company's."""
    if principal.kind != "client":
        raise Forbidden()
    own = uow.session.scalars(select(Client).where(
        Client.account_id == principal.account_id)).all()
    ids = {c.id for c in own} | {c.parent_id for c in own if c.parent_id}
    return _entries(uow, or_(AuditEntry.client_id.in_(ids), AuditEntry.actor_id ==
                             principal.account_id))


def _entries(uow, condition):
    rows = uow.session.scalars(select(AuditEntry).where(condition)
                               .order_by(AuditEntry.at.desc(), AuditEntry.id).limit(1000))
    return [{"at": e.at.isoformat(), "actor": {"id": e.actor_id, "kind": e.actor_kind},
             "action": e.action, "object": {"type": e.object_type, "id": e.object_id},
             "dossier_id": e.dossier_id} for e in rows]
