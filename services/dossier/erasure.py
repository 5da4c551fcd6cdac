"""Erasure (AVG art. 17) as far as the Wwft's retention (art. 33) lets it, in two steps;
retention.py keeps the clock. See docs/privacy.md "Bewaren en wissen".

1. At once, when a client who asked for erasure has their relationship ended (or asks
   after it ended): what is not identification or due-diligence data goes. documents
   removes the documents no law keeps (services/documents/erasure.py sorts them); here
   the messages are blanked (subject, body, attachments), the questionnaires' answers
   emptied, and the read model forgets the removed documents.
2. At the end of retention: documents shreds the client's key, identity lets go of the
   portal account and its sign-in records (`identity_contacts`), notify's delivery log
   forgets the client's addresses (`notify_forgets`, in the same transaction as the
   next step), and retention.py blanks the client's personal fields and destroys the
   field keys they (and the messages, answers and product numbers) are sealed under:
   every copy of them, in the database and in backups made afterwards, can no longer
   be opened.

The audit trail records both by reference only (ids and actions)."""

from sqlalchemy import delete, or_, select, update

from services.common.sealed_columns import keyring_of
from services.notify.events import ForgetRecipients

from . import audit
from .models import (
    AuditEntry,
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
    documents removed (`erased_documents`: [{id, dossier_id}], earlier rounds' too);
    record it, by reference. Idempotent: a second round blanks what is blank already and
    records nothing new (a document once: `_recorded`)."""
    erased_ids = [d["id"] for d in erased_documents]
    blanked = uow.session.execute(  # the placeholder as it is: nothing personal to seal
        update(Message)
        .where(Message.client_id == client_id, Message.body_sealed != ERASED_TEXT)
        .values(subject_sealed=ERASED_TEXT, body_sealed=ERASED_TEXT, attachments_sealed="[]")
        .execution_options(synchronize_session="fetch")
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
    recorded = _recorded(uow, client_id, erased_ids)
    recording = [d for d in erased_documents if d["id"] not in recorded]
    for document in recording:
        audit.record(
            uow,
            None,
            "document_erased",
            client_id,
            "document",
            document["id"],
            document["dossier_id"],
        )
    if blanked or emptied or recording:
        audit.record(uow, None, "requested_data_erased", client_id, "client", client_id)


def _recorded(uow, client_id, document_ids):
    """-> the ids among `document_ids` whose erasure the trail holds already: documents
    answers every document it erased, earlier rounds' too (a round whose answer was
    lost is finished by the next), and each is recorded once."""
    if not document_ids:
        return set()
    return set(
        uow.session.scalars(
            select(AuditEntry.object_id).where(
                AuditEntry.client_id == client_id,
                AuditEntry.action == "document_erased",
                AuditEntry.object_id.in_(document_ids),
            )
        )
    )


def notify_forgets(uow, client_id):
    """Has notify's delivery log forget the client's e-mail addresses (`identity_contacts`)
    and mobile numbers that no other client record uses (a command through the outbox,
    blanked once delivered). Before the fields are blanked, in the same transaction."""
    records = _records(uow, client_id)
    mobiles = {r.mobile.strip() for r in records if r.mobile}
    keyring = keyring_of(uow.session)
    blind = {keyring.blind(mobile): mobile for mobile in mobiles}
    elsewhere = uow.session.scalars(  # by the blind index: the numbers are sealed
        select(Client.mobile_index).where(
            Client.mobile_index.in_(blind), Client.id.not_in({r.id for r in records})
        )
    )
    used_elsewhere = {blind[index] for index in elsewhere}
    uow.send(
        "notify",
        ForgetRecipients(
            emails=identity_contacts(uow, client_id), mobiles=sorted(mobiles - used_elsewhere)
        ),
    )


def _records(uow, client_id):
    """The client record and its company's extra accounts."""
    return [uow.session.get(Client, client_id)] + list(
        uow.session.scalars(select(Client).where(Client.parent_id == client_id))
    )


def identity_contacts(uow, client_id):
    """-> the e-mail addresses of the client record and its company's extra accounts
    (and those their invitations went to) that no other client record, of any office,
    still uses: identity lets go of the portal accounts and sign-in records under them.
    Read before the fields are blanked."""
    records = _records(uow, client_id)
    ours = {record.id for record in records}
    addresses = {a.strip().lower() for r in records for a in (r.email, r.invitation_email) if a}
    keyring = keyring_of(uow.session)
    blind = {keyring.blind_email(address): address for address in addresses}
    elsewhere = uow.session.execute(  # by the blind indexes: the addresses are sealed
        select(Client.email_index, Client.invitation_email_index).where(
            or_(Client.email_index.in_(blind), Client.invitation_email_index.in_(blind)),
            Client.id.not_in(ours),
        )
    ).all()
    used_elsewhere = {blind[index] for row in elsewhere for index in row if index in blind}
    return sorted(addresses - used_elsewhere)
