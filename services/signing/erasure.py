"""The end of a client's retention in signing (dossier's erase_due_clients calls
`erase_signer` over RPC, docs/privacy.md): the signer's field key is destroyed, so their
name, e-mail address and evidence (address, browser, how they signed in), and the
document's title, can never be opened again, in the database or in any copy of it; the sealed values are blanked too,
and so are the ones written before sealing existed. What stays is what is about the
document, not the person: status, the hashes of what was offered and signed, the times,
the ids. A request still pending expires: nobody is left to sign it."""

from sqlalchemy import select, update

from services.common.db import utcnow
from services.common.sealed_columns import shred_owner

from .events import SignatureExpired
from .models import LOCK, SignerFieldKey, SigningRequest
from .states import SigningRequestStates as States


def erase_signer(uow, client_id):
    """Idempotent. -> {key_destroyed: whether a live key was destroyed now, requests: how
    many of the client's signing requests were blanked now}."""
    session = uow.session
    destroyed = shred_owner(session, SignerFieldKey, client_id)
    now = utcnow()
    pending = session.scalars(
        select(SigningRequest)
        .where(
            SigningRequest.signer_client_id == client_id,
            SigningRequest.status == States.PENDING,
        )
        .with_for_update(**LOCK)
    )
    for item in pending:
        States.move(item, States.EXPIRED)
        item.closed_at, item.signing_started_at = now, None
        uow.emit(
            SignatureExpired(
                signing_request_id=item.id, dossier_id=item.dossier_id, office_id=item.office_id
            )
        )
    session.flush()
    blanked = session.execute(
        update(SigningRequest)
        .where(
            SigningRequest.signer_client_id == client_id,
            (SigningRequest.title_sealed != "")
            | (SigningRequest.signer_name_sealed != "")
            | (SigningRequest.signer_email_sealed != "")
            | SigningRequest.evidence_sealed.is_not(None)
            | SigningRequest.seal.is_not(None),
        )
        .values(
            title_sealed="",
            signer_name_sealed="",
            signer_email_sealed="",
            evidence_sealed=None,
            seal=None,
        )
        .execution_options(synchronize_session=False)
    )
    session.expire_all()
    return {"key_destroyed": destroyed, "requests": blanked.rowcount}
