"""A signed export of an audit trail (docs/privacy.md "Audit trail"): whole streams up to
a checkpoint signed now, with the earlier checkpoints, the file signed as a whole; the
entries the reader may not see are in it as hashes only, so that the chain still
verifies. `python -m services.common.audit_verify FILE --key KEY` checks it offline."""

from sqlalchemy import or_, select

from services.common import audit_chain, audit_store
from services.common.db import utcnow
from services.common.errors import Forbidden

from .access import own_client_ids, visible_dossier, visible_dossier_ids
from .audit import about_account, client_actions
from .models import AuditEntry, audit_content, metadata


def dossier_export(uow, principal, key, dossier_id):
    """Staff who see the dossier: its stream in full, and from its client's stream the
    look-along sessions (the rest of that stream as hashes). NotFound otherwise."""
    if principal.kind != "staff":
        raise Forbidden()
    dossier, _client = visible_dossier(uow, principal, dossier_id)
    streams = [
        (f"dossier:{dossier.id}", None),
        (f"client:{dossier.client_id}", lambda entry: entry.action == "look_along"),
    ]
    return signed_export(uow.session, key, {"dossier_id": dossier.id}, streams)


def client_export(uow, principal, key):
    """A client: the streams of their own client records, of the dossiers they see, and
    every stream where their account acted or is named (records an office ended, the
    dossiers of a company that removed them as an extra account, `account:<id>`); shown
    in full is what GET /me/audit shows (audit.for_client_account), the rest of each
    stream as hashes. Not the old catch-all stream `dossier`: it holds everyone's."""
    if principal.kind != "client":
        raise Forbidden()
    clients, actions = own_client_ids(uow, principal), frozenset(client_actions())
    mine = None if principal.scope_office_id else principal.account_id

    def about_me(entry):
        return entry.actor_id == mine or (
            entry.object_type == "account" and entry.object_id == mine
        )

    def shows(entry):
        ours = entry.client_id in clients or (mine and about_me(entry))
        return bool(ours) and entry.action in actions

    streams = {f"client:{c}" for c in clients}
    streams |= {f"dossier:{d}" for d in visible_dossier_ids(uow, principal)}
    if mine:  # where the account acted, or was named, outside what it sees now: records
        # an office ended, a company's dossiers after its extra account was removed
        streams |= set(
            uow.session.scalars(
                select(AuditEntry.stream)
                .where(or_(AuditEntry.actor_id == mine, about_account(mine)))
                .distinct()
            )
        )
    # Not the stream `dossier` of entries that were about nobody: it holds everyone's
    # (export_downloaded went there before account streams).
    streams.discard("dossier")
    wanted = [(stream, shows) for stream in sorted(streams)]
    return signed_export(uow.session, key, {"account_id": principal.account_id}, wanted)


def signed_export(session, key, scope, wanted):
    """`wanted`: [(stream, shows or None for all)]. The head is read (and signed) before
    the entries, which are then read up to it: an entry written meanwhile is left out."""
    streams = []
    for name, shows in wanted:
        head = audit_store.sign_head(session, metadata, key, name)
        if head is None:
            continue  # a stream with no entry yet
        entries = audit_store.entries_of(
            session, AuditEntry, audit_content, name, upto=head["seq"], shows=shows
        )
        checkpoints = audit_store.checkpoints_of(session, metadata, name, upto=head["seq"])
        streams.append({"stream": name, "entries": entries, "checkpoints": checkpoints})
    document = {
        "format": audit_chain.FORMAT,
        "scope": scope,
        "exported_at": audit_store.timestamp(utcnow()),
        "streams": streams,
    }
    document["signature"] = audit_chain.sign(key, audit_chain.export_payload(document))
    return document
