"""Erasure (AVG art. 17) as far as the Wwft's retention (art. 33) lets it, in two steps;
retention.py keeps the clock. See docs/privacy.md "Bewaren en wissen".

1. At once, when a client who asked for erasure has their relationship ended (or asks
   after it ended): what is not identification or due-diligence data goes. documents
   removes the documents no law keeps (services/documents/erasure.py sorts them); here
   the messages are blanked (subject, body, attachments), the questionnaires' answers
   emptied, and the read model forgets the removed documents.
2. At the end of retention: documents shreds the client's key, identity lets go of the
   portal account and its sign-in records (`identity_contacts`), and retention.py
   blanks the client's personal fields.

The audit trail records both by reference only (ids and actions)."""

from sqlalchemy import delete, select, update

from . import audit
from .models import (
    Client,
    ClientRetention,
    DocumentFact,
    DocumentRead,
    Message,
    Questionnaire,
)

ERASED_TEXT = "(gewist)"


def erasure_due_at_once(uow, client_id):
    """Did the client ask for erasure, and has their relationship ended (retention not
    yet run out)? Then what no law keeps goes now."""
    client = uow.session.get(Client, client_id)
    row = uow.session.get(ClientRetention, client_id)
    return (
        client is not None
        and client.erasure_requested_at is not None
        and row is not None
        and row.erased_at is None
    )


def erase_at_once(uow, client_id, erased_documents):
    """Blank the client's messages and questionnaire answers; forget the documents that
    documents removed (`erased_documents`: [{id, dossier_id}]); record it, by reference.
    Idempotent: a second round blanks what is blank already and records nothing new."""
    erased_ids = [d["id"] for d in erased_documents]
    blanked = uow.session.execute(
        update(Message)
        .where(Message.client_id == client_id, Message.body != ERASED_TEXT)
        .values(subject=ERASED_TEXT, body=ERASED_TEXT, attachments=[])
    ).rowcount
    emptied = 0
    for questionnaire in uow.session.scalars(
        select(Questionnaire).where(Questionnaire.client_id == client_id)
    ):
        if questionnaire.answers or questionnaire.document_id in erased_ids:
            questionnaire.answers, emptied = {}, emptied + 1
            if questionnaire.document_id in erased_ids:
                questionnaire.document_id = None
    if erased_ids:
        uow.session.execute(delete(DocumentFact).where(DocumentFact.id.in_(erased_ids)))
        uow.session.execute(delete(DocumentRead).where(DocumentRead.document_id.in_(erased_ids)))
    for document in erased_documents:
        audit.record(
            uow,
            None,
            "document_erased",
            client_id,
            "document",
            document["id"],
            document["dossier_id"],
        )
    if blanked or emptied or erased_ids:
        audit.record(uow, None, "requested_data_erased", client_id, "client", client_id)


def identity_contacts(uow, client_id):
    """-> the e-mail addresses of the client record and its company's extra accounts
    (and those their invitations went to) that no other client record, of any office,
    still uses: identity lets go of the portal accounts and sign-in records under them.
    Read before the fields are blanked."""
    records = [uow.session.get(Client, client_id)] + list(
        uow.session.scalars(select(Client).where(Client.parent_id == client_id))
    )
    ours = {record.id for record in records}
    addresses = {a for r in records for a in (r.email, r.invitation_email) if a}
    used_elsewhere = set(
        uow.session.scalars(
            select(Client.email).where(Client.email.in_(addresses), Client.id.not_in(ours))
        )
    )
    return sorted(addresses - used_elsewhere)
