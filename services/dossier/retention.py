"""The end of a client relationship and the retention clock: the AVG's right to erasure
(art. 17) against the Wwft's duty to keep (art. 33). See docs/privacy.md.

When an office ends its relationship with a client, the client's portal access is gone
at once (unlink) and the clock starts: the office keeps the client's records (the
identification and the customer due diligence among them) for RETENTION_S (five years
by default), visible to the office's owner. Once the period has run out, the erasure
timer (retention_entrypoints.py) has documents shred the client's key (every blob of
the client becomes unreadable: services/documents/client_keys.py) and then blanks the
client's personal fields here. The audit trail records the erasure by reference only."""

from datetime import timedelta

from sqlalchemy import select

from services.common.db import utcnow
from services.common.errors import Forbidden, NotFound

from . import audit
from .access import visible_client
from .models import Client, ClientRetention, Office

# Five years (Wwft art. 33 lid 3: five years after the relationship ended), two leap
# days included; seconds, so that a test can make it short.
ERASED_NAME = "(gewist)"
LEGAL_GROUND = {
    "nl": (
        "Wwft artikel 33: de identificatie van de cliënt en het cliëntenonderzoek worden "
        "tot vijf jaar na het einde van de zakelijke relatie bewaard; daarna worden ze gewist."
    ),
    "en": (
        "Wwft (Dutch anti-money-laundering act) article 33: the client's identification "
        "and due diligence are kept for five years after the relationship ended; then "
        "they are erased."
    ),
}


def end_relationship(uow, principal, client_id, retention_s, former_account_id=None):
    """The office's owner ends the relationship (the portal account was unlinked first):
    the clock starts. Idempotent: ending it again changes nothing. -> describe(). The
    trail names the portal account that was unlinked, if any (`former_account_id`): so
    the client's own trail shows the end while their account lives on elsewhere."""
    client = owned_client(uow, principal, client_id, lock=True)
    row = uow.session.get(ClientRetention, client.id)
    if row is None:
        now = utcnow()
        row = ClientRetention(
            client_id=client.id,
            office_id=client.office_id,
            ended_at=now,
            ended_by=principal.account_id,
            erase_at=now + timedelta(seconds=retention_s),
        )
        uow.session.add(row)
        client.retained_for = client.office_id  # from now on its owner alone sees it
        ended = ("account", former_account_id) if former_account_id else ("client", client.id)
        audit.record(uow, principal, "relationship_ended", client.id, *ended)
    return describe(client, row, principal.language)


def retention_of(uow, principal, client_id):
    """Staff who see the client (after the end: the owner alone): -> describe(), also
    while the relationship lasts (then ended_at and erase_at are None)."""
    if principal.kind != "staff":
        raise NotFound()
    client = visible_client(uow, principal, client_id)
    return describe(client, uow.session.get(ClientRetention, client.id), principal.language)


def describe(client, row, language="nl"):
    """What the office keeps of the client, until when, and why; whether the client
    asked for erasure."""
    erased_at = row.erased_at if row else None
    return {
        "client_id": client.id,
        "erasure_requested_at": _iso(client.erasure_requested_at),
        "ended_at": _iso(row.ended_at if row else None),
        "erase_at": _iso(row.erase_at if row else None),
        "erased": erased_at is not None,
        "erased_at": _iso(erased_at),
        "legal_ground": LEGAL_GROUND.get(language, LEGAL_GROUND["nl"]),
    }


def request_erasure(uow, principal):
    """The client asks every office they are a client of to erase their data: each sees
    the request (describe) and keeps, by law, what retention still holds. Asking again
    changes nothing. -> my_erasure()"""
    for client, _office in _own_records(uow, principal):
        if client.erasure_requested_at is None:
            client.erasure_requested_at = utcnow()
            audit.record(uow, principal, "erasure_requested", client.id, "client", client.id)
    return my_erasure(uow, principal)


def my_erasure(uow, principal):
    """The client: -> {items: [{office_id, office_name, requested_at}], legal_ground}."""
    items = [
        {
            "office_id": office.id,
            "office_name": office.name,
            "requested_at": _iso(client.erasure_requested_at),
        }
        for client, office in _own_records(uow, principal)
    ]
    return {
        "items": items,
        "legal_ground": LEGAL_GROUND.get(principal.language, LEGAL_GROUND["nl"]),
    }


def _own_records(uow, principal):
    """The client's own records, one per office (a look-along session: that office's)."""
    if principal.kind != "client":
        raise NotFound()
    query = (
        select(Client, Office)
        .join(Office, Office.id == Client.office_id)
        .where(Client.account_id == principal.account_id, Client.parent_id.is_(None))
        .order_by(Office.name, Client.id)
    )
    if principal.scope_office_id:
        query = query.where(Client.office_id == principal.scope_office_id)
    return uow.session.execute(query.limit(100)).all()


def _iso(moment):
    return moment.isoformat() if moment else None


def due_for_erasure(uow, limit=50):
    """-> ids of clients whose retention has run out and who are not erased yet."""
    return list(
        uow.session.scalars(
            select(ClientRetention.client_id)
            .where(ClientRetention.erased_at.is_(None), ClientRetention.erase_at <= utcnow())
            .order_by(ClientRetention.erase_at)
            .limit(limit)
        )
    )


def erase_client(uow, client_id):
    """Blank the personal fields of the client (and of a company's extra accounts) once
    documents shredded their blobs. -> False if it was done already (another round)."""
    row = uow.session.get(ClientRetention, client_id, with_for_update=True)
    if row is None or row.erased_at is not None:
        return False
    client = uow.session.get(Client, client_id, with_for_update=True)
    extras = uow.session.scalars(select(Client).where(Client.parent_id == client_id)).all()
    for record in [client, *extras]:
        _blank(record)
    row.erased_at = utcnow()
    audit.record(uow, None, "client_erased", client_id, "client", client_id)
    return True


def _blank(record):
    record.name, record.email = ERASED_NAME, f"erased-{record.id}@erased.invalid"
    record.mobile = record.invitation_email = record.invitation_token_hash = None
    record.account_id = record.pending_account_id = None
    record.invitation_status = "not_invited"


def owned_client(uow, principal, client_id, lock=False):
    """The client, for the owner of its office; NotFound for who may not see it,
    Forbidden for the office's other staff."""
    if principal.kind != "staff":
        raise NotFound()
    client = visible_client(uow, principal, client_id, lock=lock)
    if principal.offices.get(client.office_id) != "owner":
        raise Forbidden()
    return client
