"""The client's portal invitation (e-mail 1, the activation link) and its acceptance.
The account and its password belong to identity: dossier checks the invitation and
the e-mail, then asks identity to prepare the account (e-mail 2, SMS code); identity's
`account_activated` marks the invitation accepted."""
import hashlib
import secrets
from datetime import timedelta

from sqlalchemy import select

from services.common.db import new_id, utcnow
from services.common.errors import Forbidden

from . import audit
from .clients import visible_client
from .exceptions import InvalidToken, InvitationAlreadyAccepted, TokenExpired
from .models import AuditEntry, Client, Office

INVITATION_VALIDITY = timedelta(days=14)


def _hash(token):
    return hashlib.sha256(token.encode()).hexdigest()


def invite(uow, principal, client_id, public_url):
    """(Re)send e-mail 1 with a fresh activation link; the previous link stops working."""
    client = visible_client(uow, principal, client_id, lock=True)
    if principal.kind != "staff":
        raise Forbidden()
    return send_invitation(uow, principal, client, public_url)


def send_invitation(uow, principal, client, public_url):
    if client.invitation_status == "accepted":
        raise InvitationAlreadyAccepted()
    token = secrets.token_urlsafe(32)
    client.invitation_token_hash, client.invitation_status = _hash(token), "sent"
    client.invited_at = utcnow()
    office = uow.session.get(Office, client.office_id)
    uow.send("notify", "send_notification", template="client_invitation",
             language=client.language, to={"email": client.email},
             data={"name": client.name, "office": office.name, "days": INVITATION_VALIDITY.days,
                   "activation_url": f"{public_url}/activate?token={token}"})
    uow.emit("client_invited", actor=principal.account_id, client_id=client.id,
             office_id=client.office_id)
    audit.record(uow, principal, "invitation_sent", client.parent_id or client.id, "client",
                 client.id)
    return state(client)


def invitation_of(uow, principal, client_id):
    return state(visible_client(uow, principal, client_id))


def state(client):
    return {"status": client.invitation_status,
            "sent_at": client.invited_at.isoformat() if client.invited_at else None,
            "accepted_at": client.accepted_at.isoformat() if client.accepted_at else None}


def check_activation(uow, token, email):
    """-> what identity needs to prepare the account. One answer for an unknown link
    and a link with another e-mail address, so neither tells anything."""
    client = uow.session.scalar(select(Client).where(Client.invitation_token_hash == _hash(token)))
    if client is None or client.invitation_status != "sent" or \
            client.email != email.strip().lower():
        raise InvalidToken()
    if utcnow() >= client.invited_at + INVITATION_VALIDITY:
        raise TokenExpired()
    return {"client_id": client.id, "email": client.email, "name": client.name,
            "mobile": client.mobile, "language": client.language}


def link_account(uow, client_id, account_id, existing):
    """An account that was already active (a client of another office too) accepts
    here and now; a new one when its password is set (`accept`)."""
    client = uow.session.get(Client, client_id)
    client.account_id = account_id
    if existing:
        accept(uow, {"account_id": account_id})


def accept(uow, event):
    """Inbox handler of identity's `account_activated`."""
    for client in uow.session.scalars(select(Client).where(
            Client.account_id == event["account_id"], Client.invitation_status == "sent")):
        client.invitation_status, client.accepted_at = "accepted", utcnow()
        client.invitation_token_hash = None
        uow.session.add(AuditEntry(id=new_id(), at=utcnow(), actor_id=event["account_id"],
                                   actor_kind="client", action="invitation_accepted",
                                   client_id=client.parent_id or client.id,
                                   object_type="client", object_id=client.id))
