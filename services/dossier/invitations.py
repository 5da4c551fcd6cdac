"""The client's portal invitation (e-mail 1, the activation link) and its acceptance.
The account and its password belong to identity: dossier checks the invitation and
the address it was sent to, then asks identity to prepare the account (e-mail 2, SMS
code); identity's `account_activated` marks the invitation accepted.

A link is redeemed with the address it was sent to, never the record's address of
now, and a change of the record's contact voids it (clients.update_client): an
office cannot send a link to itself and redeem it for someone else. An account that
already exists is not linked by the link alone: its holder accepts (or declines) the
office's request while signed in (`answer`); until then the office sees nothing of it."""

from datetime import timedelta

from sqlalchemy import select

from services.common.context import Principal
from services.common.db import utcnow
from services.common.errors import Forbidden, NotFound
from services.common.paging import asc
from services.common.tokens import digest, new_token
from services.identity.events import AccountActivated
from services.notify.events import SendNotification

from . import audit
from .access import visible_client
from .events import ClientInvited, InvitationAccepted
from .exceptions import InvalidToken, InvitationAlreadyAccepted, TokenExpired
from .models import Client, Office

INVITATION_VALIDITY = timedelta(days=14)


def invite(uow, principal, client_id, public_url):
    """(Re)send e-mail 1 with a fresh activation link; the previous link stops working."""
    client = visible_client(uow, principal, client_id, lock=True)
    if principal.kind != "staff":
        raise Forbidden()
    return send_invitation(uow, principal, client, public_url)


def send_invitation(uow, principal, client, public_url):
    if client.invitation_status == "accepted":
        raise InvitationAlreadyAccepted()
    token, client.invitation_token_hash = new_token()
    client.invitation_status = "sent"
    client.invitation_email, client.pending_account_id = client.email, None
    client.invited_at = utcnow()
    office = uow.session.get(Office, client.office_id)
    uow.send(
        "notify",
        SendNotification(
            template="client_invitation",
            language=client.language,
            to={"email": client.email},
            data={
                "name": client.name,
                "office": office.name,
                "days": INVITATION_VALIDITY.days,
                "activation_url": f"{public_url}/activate?token={token}",
            },
        ),
    )
    uow.emit(
        ClientInvited(client_id=client.id, office_id=client.office_id), actor=principal.account_id
    )
    audit.record(
        uow, principal, "invitation_sent", client.parent_id or client.id, "client", client.id
    )
    return state(client)


def invitation_of(uow, principal, client_id):
    return state(visible_client(uow, principal, client_id))


def state(client):
    """`confirmation_pending`: an existing portal account redeemed the link and its
    holder has not yet accepted; the office sees nothing of that account meanwhile."""
    return {
        "status": client.invitation_status,
        "sent_at": client.invited_at.isoformat() if client.invited_at else None,
        "accepted_at": client.accepted_at.isoformat() if client.accepted_at else None,
        "confirmation_pending": client.pending_account_id is not None,
    }


def void(client):
    """The record's contact changed: its open link and any request to an existing
    account end, and a portal account prepared for the old address (not yet accepted)
    is let go. -> that account's id, or None."""
    prepared = client.account_id if client.invitation_status != "accepted" else None
    if client.invitation_status == "sent":
        client.invitation_status, client.invited_at = "not_invited", None
    client.invitation_token_hash = client.invitation_email = client.pending_account_id = None
    if prepared:
        client.account_id = None
    return prepared


def _redeemable(uow, token, email, lock=False):
    query = select(Client).where(Client.invitation_token_hash == digest(token))
    client = uow.session.scalar(query.with_for_update() if lock else query)
    if (
        client is None
        or client.invitation_status != "sent"
        or client.invitation_email != email.strip().lower()
    ):
        raise InvalidToken()
    if utcnow() >= client.invited_at + INVITATION_VALIDITY:
        raise TokenExpired()
    return client


def check_activation(uow, token, email):
    """-> what identity needs to prepare the account. One answer for an unknown link
    and a link with another e-mail address, so neither tells anything."""
    client = _redeemable(uow, token, email)
    return {
        "client_id": client.id,
        "email": client.invitation_email,
        "name": client.name,
        "mobile": client.mobile,
        "language": client.language,
    }


def link_account(uow, token, email, account_id, existing, public_url):
    """A new account is the record's at once (accepted when its password is set,
    `accept`); an existing one is asked (e-mail, and the request in its portal). The
    link is checked again: the contact may have changed while identity worked."""
    client = _redeemable(uow, token, email, lock=True)
    if not existing:
        client.account_id = account_id
        return
    if client.pending_account_id == account_id:
        return  # asked already
    client.pending_account_id = account_id
    office = uow.session.get(Office, client.office_id)
    uow.send(
        "notify",
        SendNotification(
            template="link_request",
            language=client.language,
            to={"email": client.invitation_email},
            data={"name": client.name, "office": office.name, "portal_url": f"{public_url}/"},
        ),
    )
    _audit_by_account(uow, client, account_id, "link_requested")


def accept(uow, event):
    """Inbox handler of identity's `account_activated`."""
    event = AccountActivated.load(event)
    for client in uow.session.scalars(
        select(Client).where(
            Client.account_id == event["account_id"], Client.invitation_status == "sent"
        )
    ):
        _accepted(uow, client, event["account_id"])


def _accepted(uow, client, account_id):
    client.account_id, client.pending_account_id = account_id, None
    client.invitation_status, client.accepted_at = "accepted", utcnow()
    client.invitation_token_hash = None
    _audit_by_account(uow, client, account_id, "invitation_accepted")
    uow.emit(
        InvitationAccepted(client_id=client.id, office_id=client.office_id, account_id=account_id),
        actor=account_id,
    )


def _audit_by_account(uow, client, account_id, action):
    """An audit entry about `client` by the client's account itself (an event or a
    request of its own, not a look-along session)."""
    principal = Principal(account_id=account_id, kind="client")
    audit.record(uow, principal, action, client.parent_id or client.id, "client", client.id)


def _asking(principal):
    return (
        select(Client, Office)
        .join(Office, Office.id == Client.office_id)
        .where(
            Client.pending_account_id == principal.account_id, Client.invitation_status == "sent"
        )
    )


def requests_for(uow, pager, principal, limit=50, cursor=None):
    """A page of the offices that ask to link the caller's account, oldest first: {items:
    [{id, office_id, office_name, name, type, company, sent_at}], next_cursor}
    (`company`: the company's name for an extra account). Found by
    ix_clients_pending_account_id: the records that name the caller, a handful to sort.
    None in a look-along session: it is the holder's own business."""
    if principal.scope_office_id:
        return {"items": [], "next_cursor": None}
    rows, next_cursor = pager.page(
        uow.session,
        _asking(principal),
        [asc(Client.invited_at), asc(Client.id)],
        limit,
        cursor,
        scope=f"link-requests:{principal.account_id}",
    )
    return {
        "items": [
            {
                "id": c.id,
                "office_id": o.id,
                "office_name": o.name,
                "name": c.name,
                "type": c.type,
                "company": _company_name(uow, c),
                "sent_at": c.invited_at.isoformat(),
            }
            for c, o in rows
        ],
        "next_cursor": next_cursor,
    }


def _company_name(uow, client):
    return uow.session.get(Client, client.parent_id).name if client.parent_id else None


def answer(uow, principal, client_id, accepted):
    """The holder's answer to an office's request: accepted links the account (the
    office sees it from now on); declined ends the request (the office may invite
    again). NotFound for anything not asked of the caller."""
    row = uow.session.execute(_asking(principal).where(Client.id == client_id)).first()
    if row is None or principal.scope_office_id:
        raise NotFound()
    client = row[0]
    if accepted:
        _accepted(uow, client, principal.account_id)
    else:
        client.invitation_status, client.invited_at = "not_invited", None
        client.invitation_token_hash = client.invitation_email = None
        client.pending_account_id = None
        audit.record(
            uow,
            principal,
            "invitation_declined",
            client.parent_id or client.id,
            "client",
            client.id,
        )
    return {"id": client.id, "status": client.invitation_status}
