"""Signing requests: a dossier's PDF offered to one signer (pending), then signed, or
expired (after SIGNING_REQUEST_TTL_S, with a reminder SIGNING_REMINDER_BEFORE_S before)
or withdrawn by staff. The signer sees their own; staff those of their offices."""

from datetime import timedelta

from sqlalchemy import func, or_, select

from services.common.db import new_id, utcnow
from services.common.errors import Forbidden
from services.common.paging import asc, desc
from services.common.schemas import load
from services.notify.events import SendNotification

from .access import requests_clause, visible_request
from .events import SignatureExpired, SignatureRequested, SignatureWithdrawn
from .exceptions import SigningInProgress
from .models import LOCK, SigningRequest
from .schemas import RequestFilter
from .states import SigningRequestStates as States

STALE_ATTEMPT = timedelta(minutes=5)  # an attempt older than this has died


def offer(uow, principal, document, signer, ttl, public_url):
    """-> the request (pending). Event `signature_requested`; the signer is e-mailed."""
    now = utcnow()
    item = SigningRequest(
        id=new_id(),
        document_id=document["id"],
        dossier_id=document["dossier_id"],
        office_id=document["office_id"],
        title=document["title"],
        document_sha256=document["sha256"],
        signer_client_id=signer["client_id"],
        signer_account_id=signer["account_id"],
        signer_name=signer["name"],
        signer_email=signer["email"],
        language=signer["language"],
        office_name=signer["office_name"],
        dossier_number=signer["dossier_number"],
        status=States.PENDING,
        created_by=principal.account_id,
        created_at=now,
        expires_at=now + ttl,
    )
    uow.session.add(item)
    uow.emit(
        SignatureRequested(
            signing_request_id=item.id,
            document_id=item.document_id,
            dossier_id=item.dossier_id,
            office_id=item.office_id,
            signer_client_id=item.signer_client_id,
        ),
        actor=principal.account_id,
    )
    _notify(uow, item, "signing_request", public_url)
    return describe(item)


def _notify(uow, item, template, public_url):
    if not item.signer_email:
        return  # the signer was erased (erasure.py): nobody to write to
    uow.send(
        "notify",
        SendNotification(
            template=template,
            language=item.language,
            to={"email": item.signer_email},
            account_id=item.signer_account_id,
            data={
                "name": item.signer_name,
                "office": item.office_name,
                "title": item.title,
                "dossier_number": item.dossier_number,
                "portal_url": public_url,
                "expires_on": item.expires_at.date().isoformat(),
            },
        ),
    )


def list_for(uow, pager, principal, status=None, dossier_ids=None, limit=50, cursor=None):
    """A page, newest first: the signer's own (ix_signing_requests_signer_created), or
    staff's offices' (ix_signing_requests_office_created). `dossier_ids`: for staff, the
    dossiers they may see (dossier's answer: a client who stopped sharing with the
    office is out of sight here too). Who sees which: access.py."""
    status = load(RequestFilter(), {"status": status})["status"]
    query = select(SigningRequest).where(*requests_clause(principal, dossier_ids))
    if status:
        query = query.where(SigningRequest.status == status)
    items, next_cursor = pager.page(
        uow.session,
        query,
        [desc(SigningRequest.created_at), desc(SigningRequest.id)],
        limit,
        cursor,
        scope=f"signing-requests:{principal.account_id}:{status or ''}",
    )
    return {"items": [describe(i) for i in items], "next_cursor": next_cursor}


def pending_actions(uow, pager, principal, dossier_ids=None, limit=50, cursor=None):
    """A page of the client's actions of type signature, oldest first
    (ix_signing_requests_signer_created)."""
    items, next_cursor = pager.page(
        uow.session,
        select(SigningRequest).where(*_pending_for(principal, dossier_ids)),
        [asc(SigningRequest.created_at), asc(SigningRequest.id)],
        limit,
        cursor,
        scope=f"signature-actions:{principal.account_id}",
    )
    return {
        "items": [
            {"type": "signature", "id": i.id, "dossier_id": i.dossier_id, "title": i.title}
            for i in items
        ],
        "next_cursor": next_cursor,
    }


def count_pending(uow, principal, dossier_ids=None):
    """How many requests wait for the client's signature (the portal's home)."""
    return uow.session.scalar(
        select(func.count())
        .select_from(SigningRequest)
        .where(*_pending_for(principal, dossier_ids))
    )


def _pending_for(principal, dossier_ids):
    return (*requests_clause(principal, dossier_ids), SigningRequest.status == States.PENDING)


def withdraw(uow, principal, request_id):
    """Staff of the office: a pending request ends. Event `signature_withdrawn`."""
    if principal.kind != "staff":
        raise Forbidden()
    item = visible_request(uow, principal, request_id, lock=True)
    States.check(item.status, States.WITHDRAWN)  # AlreadySigned, SigningRequestClosed
    if item.signing_started_at and utcnow() - item.signing_started_at < STALE_ATTEMPT:
        raise SigningInProgress()  # the signer is signing right now
    States.move(item, States.WITHDRAWN)
    item.closed_at, item.closed_by = utcnow(), principal.account_id
    uow.emit(
        SignatureWithdrawn(
            signing_request_id=item.id, dossier_id=item.dossier_id, office_id=item.office_id
        ),
        actor=principal.account_id,
    )
    return describe(item)


def expire_and_remind(uow, reminder_before, public_url):
    """The timer's work: pending requests past their time expire; those close to it get
    their one reminder. -> (expired, reminded) counts."""
    now = utcnow()
    return _expire(uow, now), _remind(uow, now, reminder_before, public_url)


def _expire(uow, now):
    """Pending requests past their time expire, at most 200 a round. -> how many."""
    expired = list(
        uow.session.scalars(
            select(SigningRequest)
            .where(
                SigningRequest.status == States.PENDING,
                SigningRequest.expires_at <= now,
                or_(
                    SigningRequest.signing_started_at.is_(None),  # not while being signed, but a
                    SigningRequest.signing_started_at < now - STALE_ATTEMPT,
                ),
            )  # crashed attempt
            .with_for_update(**LOCK)
            .limit(200)
        )
    )
    for item in expired:
        States.move(item, States.EXPIRED)
        item.closed_at = now
        uow.emit(
            SignatureExpired(
                signing_request_id=item.id, dossier_id=item.dossier_id, office_id=item.office_id
            )
        )
    return len(expired)


def _remind(uow, now, reminder_before, public_url):
    """Pending requests that expire within `reminder_before` get their one reminder, at
    most 200 a round. -> how many."""
    due = list(
        uow.session.scalars(
            select(SigningRequest)
            .where(
                SigningRequest.status == States.PENDING,
                SigningRequest.reminded_at.is_(None),
                SigningRequest.expires_at <= now + reminder_before,
            )
            .with_for_update(**LOCK)
            .limit(200)
        )
    )
    for item in due:
        item.reminded_at = now
        _notify(uow, item, "signing_reminder", public_url)
    return len(due)


def describe(item):
    return {
        "id": item.id,
        "document_id": item.document_id,
        "dossier_id": item.dossier_id,
        "title": item.title,
        "status": item.status,
        "signer": {"client_id": item.signer_client_id, "name": item.signer_name},
        "created_at": item.created_at.isoformat(),
        "expires_at": item.expires_at.isoformat(),
        "signed_at": item.closed_at.isoformat() if item.status == States.SIGNED else None,
        "signed_document_id": item.signed_document_id,
    }
