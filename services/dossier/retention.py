"""The end of a client relationship and the retention clock: the AVG's right to erasure
(art. 17) against the Wwft's duty to keep (art. 33). See docs/privacy.md.

When an office ends its relationship with a client, the client's portal access is gone
at once (unlink) and the clock starts: the office keeps the client's records (the
identification and the customer due diligence among them) for RETENTION_S (five years
by default), visible to the office's owner. Once the period has run out, the erasure
timer (retention_entrypoints.py) has documents shred the client's key (every blob of
the client becomes unreadable: services/documents/client_keys.py) and then blanks the
client's personal fields here and destroys the field keys of the client's records
(their names, addresses, messages, answers and product numbers are sealed under them:
models.py): no copy of them can be opened again. The audit trail records the erasure by
reference only."""

from datetime import timedelta

from sqlalchemy import and_, or_, select

from services.common.db import utcnow
from services.common.errors import Forbidden, NotFound, ScopeMissing
from services.common.sealed_columns import shred_owner

from . import audit, field_backfill
from .access import visible_client
from .exceptions import ClientErased
from .models import AuditEntry, Client, ClientFieldKey, ClientRetention, Office

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
    asked for erasure, and when what goes at once on that request went."""
    erased_at = row.erased_at if row else None
    return {
        "client_id": client.id,
        "erasure_requested_at": _iso(client.erasure_requested_at),
        "ended_at": _iso(row.ended_at if row else None),
        "erase_at": _iso(row.erase_at if row else None),
        "erased": erased_at is not None,
        "erased_at": _iso(erased_at),
        "requested_erased_at": _iso(row.requested_erased_at if row else None),
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


def record_erasure_request(uow, principal, client_id):
    """Staff who see the client (after the end: the owner alone) record a request for
    erasure that reached the office another way (letter, phone, e-mail): the same as
    the client's own. Idempotent: a second time keeps the first time. NotFound for an
    extra account of a company (the request is the main record's); ClientErased once
    the retention ran out and the data was erased; ScopeMissing for an office system's
    API key (a person weighs a request for erasure). -> describe()"""
    if principal.kind != "staff":
        raise NotFound()
    if principal.is_api_key:
        raise ScopeMissing()
    client = visible_client(uow, principal, client_id, lock=True)
    if client.parent_id is not None:
        raise NotFound()
    row = uow.session.get(ClientRetention, client.id)
    if row is not None and row.erased_at is not None:
        raise ClientErased()
    if client.erasure_requested_at is None:
        client.erasure_requested_at = utcnow()
        audit.record(uow, principal, "erasure_request_recorded", client.id, "client", client.id)
    return describe(client, row, principal.language)


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


def sealing_pending(uow):
    """Whether the sealing backfill has rows left to seal (field_backfill.pending): until
    then the checks whether an address is used elsewhere (erasure.py), by blind index,
    would miss the rows not sealed yet, so the erasures at the end of retention wait."""
    return field_backfill.pending(uow.session)


ROUND_BATCH = 50  # clients read per query of a timer round (the round reads on)


def due_for_erasure(uow, after=None, limit=ROUND_BATCH):
    """-> (due moment, client id) of clients whose retention has run out and who are not
    erased yet, after `after` (the previous batch's last pair): a round goes through all of them,
    past those that fail again. Not those whose erasure at once is still to be finished
    (at_once_pending): that comes first."""
    return _batch(
        uow,
        ClientRetention.erase_at,
        [
            ClientRetention.erased_at.is_(None),
            ClientRetention.erase_at <= utcnow(),
            or_(
                Client.erasure_requested_at.is_(None),
                ClientRetention.requested_erased_at.is_not(None),
            ),
        ],
        after,
        limit,
    )


def signers_pending(uow, after=None, limit=ROUND_BATCH):
    """-> (erased moment, client id) of erased clients whom signing has not erased as signers (with
    their extra accounts) yet: those erased before signing was told, or whose last step
    failed."""
    return _batch(
        uow,
        ClientRetention.erased_at,
        [ClientRetention.erased_at.is_not(None), ClientRetention.signer_erased_at.is_(None)],
        after,
        limit,
        join_client=False,
    )


def signers_erased(uow, client_id):
    row = uow.session.get(ClientRetention, client_id, with_for_update=True)
    if row is not None and row.signer_erased_at is None:
        row.signer_erased_at = utcnow()


def at_once_pending(uow, after=None, limit=ROUND_BATCH):
    """-> (end moment, client id) of ended clients who asked for erasure and whose erasure at
    once (erasure.py) is not recorded as done: a step failed. The timer finishes it."""
    return _batch(
        uow,
        ClientRetention.ended_at,
        [
            ClientRetention.erased_at.is_(None),
            ClientRetention.requested_erased_at.is_(None),
            Client.erasure_requested_at.is_not(None),
        ],
        after,
        limit,
    )


def _batch(uow, order, conditions, after, limit, join_client=True):
    """The next `limit` retention rows meeting `conditions`, in (`order`, client id)
    order after the pair `after`: -> [(order value, client id)], each pair the key to
    read on from."""
    query = select(order, ClientRetention.client_id).where(*conditions)
    if join_client:
        query = query.join(Client, Client.id == ClientRetention.client_id)
    if after is not None:
        value, client_id = after
        query = query.where(
            or_(order > value, and_(order == value, ClientRetention.client_id > client_id))
        )
    rows = uow.session.execute(query.order_by(order, ClientRetention.client_id).limit(limit))
    return [(value, client_id) for value, client_id in rows]


def at_once_done(uow, client_id):
    """Record that what goes at once for the client is gone (the first time only)."""
    row = uow.session.get(ClientRetention, client_id)
    if row is not None and row.requested_erased_at is None:
        row.requested_erased_at = utcnow()


def erase_client(uow, client_id):
    """Blank the personal fields of the client (and of a company's extra accounts) once
    documents shredded their blobs, and destroy their field keys: whatever was sealed
    under them (here, in a replica or a later backup) is unreadable for good. -> False
    if it was done already (another round)."""
    row = uow.session.get(ClientRetention, client_id, with_for_update=True)
    if row is None or row.erased_at is not None:
        return False
    client = uow.session.get(Client, client_id, with_for_update=True)
    extras = uow.session.scalars(select(Client).where(Client.parent_id == client_id)).all()
    for record in [client, *extras]:
        _blank(record)
    uow.session.flush()  # the placeholders, before the keys go
    for record in [client, *extras]:
        shred_owner(uow.session, ClientFieldKey, record.id)
    row.erased_at = row.signer_erased_at = utcnow()  # the caller had signing erase them
    audit.record(uow, None, "client_erased", client_id, "client", client_id)
    return True


def signer_ids(uow, client_id):
    """The client and every extra account a company has or ever had (one removed earlier
    is known by dossier's audit trail only): each may have signed under its own id, so
    signing erases each. -> ids, the client's first."""
    current = uow.session.scalars(select(Client.id).where(Client.parent_id == client_id))
    former = uow.session.scalars(
        select(AuditEntry.object_id).where(
            AuditEntry.client_id == client_id, AuditEntry.action == "extra_account_added"
        )
    )
    extras = sorted(set(current) | set(former))
    return [client_id, *(extra for extra in extras if extra != client_id)]


def _blank(record):
    """Placeholders written as they are (not sealed: nothing personal in them, and read
    the same once the key is gone); the blind indexes go with the addresses."""
    record.name_sealed, record.email_sealed = ERASED_NAME, f"erased-{record.id}@erased.invalid"
    record.email_index = None
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
