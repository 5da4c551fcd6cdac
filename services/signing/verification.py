"""Anyone may check a signed PDF (POST /signatures/verify), so the check is bounded.

1. The gateway asks `begin` over RPC, with the caller's source address: the rate limit
   per address counts here, before a byte is read, and a one-time ticket is issued.
2. The gateway streams the file to this service's own HTTP endpoint (`receive`, on
   SIGNING_VERIFY_ADDRESS; bytes never cross the bus), which spools it to a temporary
   file (never whole in this process's memory) and checks it in a child process
   (verify_worker) within the budget: at most `max_bytes`, `max_fields` signature
   fields and `max_objects` objects (counted before the expensive work), `timeout_s`
   of wall-clock time and `memory_mb` of memory. The service's own loop stays free.
3. A valid signature counts only if this platform issued exactly these bytes.

At most `concurrency` checks run at once per process; more are refused (429) at once
rather than queued, so that waiting checks cannot hold every worker of the service."""

import json
import shutil
import tempfile
import threading
from datetime import timedelta
from pathlib import Path

from sqlalchemy import delete
from werkzeug.wrappers import Response

from services.common.child_process import Overrun, run_module
from services.common.db import new_id, utcnow
from services.common.errors import KluisError, NotFound
from services.common.limits import Limit
from services.common.tokens import matches, new_token
from services.documents.exceptions import FileTooLarge

from . import signature
from .exceptions import PdfTooComplex, RateLimited
from .models import VerifyTicket, buckets

TICKET_TTL = timedelta(minutes=5)
PER_ADDRESS = Limit("verify_address", burst=30, per_s=600)
CHUNK = 256 * 1024
STATUS = {"not_found": 404, "file_too_large": 413, "pdf_too_complex": 422, "rate_limited": 429}


def begin(uow, limit, source_ip):
    """-> {verification_id, ticket}; RateLimited when the address used its turns (a
    refused request takes nothing, so the caller's transaction may simply commit)."""
    retry_after = buckets.take(uow.session, limit, source_ip or "unknown")
    if retry_after:
        raise RateLimited({"retry_after_s": retry_after})
    ticket, ticket_hash = new_token()
    row = VerifyTicket(id=new_id(), ticket_hash=ticket_hash, expires_at=utcnow() + TICKET_TTL)
    uow.session.add(row)
    return {"verification_id": row.id, "ticket": ticket}


def claim(uow, verification_id, ticket):
    """The ticket is used up; NotFound unless it was issued, unused and unexpired."""
    row = uow.session.get(VerifyTicket, verification_id, with_for_update=True)
    if row is None or not matches(row.ticket_hash, ticket) or row.expires_at <= utcnow():
        raise NotFound()
    uow.session.delete(row)


def sweep(uow):
    """Expired tickets and full buckets go (both are worthless by then)."""
    now = utcnow()
    uow.session.execute(delete(VerifyTicket).where(VerifyTicket.expires_at <= now))
    buckets.sweep(uow.session, now - timedelta(seconds=PER_ADDRESS.per_s * 2))


class Slots:
    """At most n checks at once in this process; no waiting for a turn."""

    def __init__(self):
        self._lock, self._busy = threading.Lock(), 0

    def take(self, n):
        with self._lock:
            if self._busy >= n:
                raise RateLimited({"retry_after_s": 5})
            self._busy += 1

    def give_back(self):
        with self._lock:
            self._busy -= 1


SLOTS = Slots()


def receive(store, request, verification_id, budget, root_pem):
    """POST /verifications/<id> with X-Verify-Ticket: the file's bytes as the body.
    -> 200 the verdict ({valid, signed_by, signed_at, document_sha256[,
    original_sha256, sealed_by]}), or {error, details} with STATUS's status. `budget`:
    settings.VerifyBudget."""
    try:
        with store.unit_of_work() as uow:
            claim(uow, verification_id, request.headers.get("X-Verify-Ticket"))
        SLOTS.take(budget.concurrency)
    except KluisError as error:
        return _error(error)
    folder = Path(tempfile.mkdtemp(prefix="kluis-verify-"))
    try:
        pdf_path = folder / "file.pdf"
        _spool(request.environ["wsgi.input"], pdf_path, budget.max_bytes)
        (folder / "root.pem").write_bytes(root_pem)
        verdict = _check(pdf_path, folder / "root.pem", budget)
        with store.unit_of_work() as uow:
            issued = verdict["valid"] and signature.issued(uow, verdict["document_sha256"])
        return _json(200, answer(verdict, issued))
    except KluisError as error:
        return _error(error)
    finally:
        SLOTS.give_back()
        shutil.rmtree(folder, ignore_errors=True)


def answer(verdict, issued):
    """The public verdict: valid only as issued (an ECDSA signature can be re-encoded
    without the key; the file's hash cannot)."""
    if not issued:
        return {
            "valid": False,
            "signed_by": None,
            "signed_at": None,
            "document_sha256": verdict["document_sha256"],
        }
    return {
        "valid": True,
        "signed_by": issued["signer"],
        "signed_at": issued["signed_at"],
        "document_sha256": verdict["document_sha256"],
        "original_sha256": issued["original_sha256"],
        "sealed_by": verdict["signed_by"],
    }


def _spool(stream, path, max_bytes):
    # wsgi.input, not request.stream: a chunked body reads as empty through the latter.
    size = 0
    with open(path, "wb") as out:
        while chunk := stream.read(CHUNK):
            size += len(chunk)
            if size > max_bytes:
                raise FileTooLarge({"max_bytes": max_bytes})
            out.write(chunk)


def _check(pdf_path, root_path, budget):
    too_complex = PdfTooComplex(
        {
            "max_fields": budget.max_fields,
            "max_objects": budget.max_objects,
            "timeout_s": budget.timeout_s,
        }
    )
    try:
        verdict = run_module(
            "services.signing.verify_worker",
            [pdf_path, root_path, budget.max_fields, budget.max_objects],
            budget.timeout_s,
            budget.memory_mb,
        )
    except Overrun:
        raise too_complex from None
    if "too_complex" in verdict:
        raise too_complex
    return verdict


def _error(error):
    return _json(STATUS.get(error.code, 500), {"error": error.code, "details": error.details})


def _json(status, body):
    return Response(json.dumps(body), status=status, content_type="application/json")
