"""dossier's tables."""

import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from services.common.audit_store import ChainedEntry, audit_tables, chain_entries, timestamp
from services.common.db import UTCDateTime
from services.common.plumbing import plumbing_tables
from services.common.sealed_columns import (
    FieldKeyColumns,
    SealedJSON,
    SealedText,
    field_key_relationship,
)


class Base(DeclarativeBase):
    pass


metadata = Base.metadata
plumbing_tables(metadata)
audit_tables(metadata)  # the audit chain's heads and checkpoints (audit_store.py)


class Office(Base):
    """An advisory office, known by its distribution-partner ID."""

    __tablename__ = "offices"
    # GET /offices, by name, a page at a time (services/common/paging.py)
    __table_args__ = (sa.Index("ix_offices_name", "name", "id"),)
    id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)
    partner_id: Mapped[str] = mapped_column(sa.String(50), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    city: Mapped[str] = mapped_column(sa.String(100))
    label: Mapped[str | None] = mapped_column(sa.String(100), nullable=True)
    created_at = mapped_column(UTCDateTime, nullable=False)


class ClientFieldKey(FieldKeyColumns, Base):
    """The field key of one client record (`owner_id`: the Client row's id; a company's
    extra accounts have their own): the client's personal fields here are sealed under
    it (services/common/sealed_columns.py). Erasure destroys it (`wrapped` NULL)."""

    __tablename__ = "client_field_keys"


class Client(Base):
    """A person or company, client of one office. `shared`: consent to share with that
    office. `account_id`: the portal account in identity, once activated. Name, e-mail,
    mobile and the invitation's address are sealed under the record's field key (read
    and written as plain text; e-mail addresses are found by their blind index)."""

    __tablename__ = "clients"
    __field_key__ = ClientFieldKey
    __table_args__ = (
        sa.UniqueConstraint("office_id", "email_index", name="uq_clients_office_email_index"),
    )
    id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)
    office_id: Mapped[str] = mapped_column(sa.ForeignKey("offices.id"), index=True)
    type: Mapped[str] = mapped_column(sa.String(10))  # person | company
    # An extra account of a company client: sees the company's dossiers.
    parent_id: Mapped[str | None] = mapped_column(
        sa.ForeignKey("clients.id"), nullable=True, index=True
    )
    name_sealed: Mapped[str] = mapped_column("name", sa.Text)
    name = SealedText("name_sealed")
    email_sealed: Mapped[str] = mapped_column("email", sa.Text)
    email_index: Mapped[str | None] = mapped_column(sa.String(64), nullable=True, index=True)
    email = SealedText("email_sealed", index="email_index", normalise=str.lower)
    mobile_sealed: Mapped[str | None] = mapped_column("mobile", sa.Text, nullable=True)
    mobile_index: Mapped[str | None] = mapped_column(sa.String(64), nullable=True, index=True)
    mobile = SealedText("mobile_sealed", index="mobile_index")
    language: Mapped[str] = mapped_column(sa.String(2))
    shared: Mapped[bool] = mapped_column(sa.Boolean)
    account_id: Mapped[str | None] = mapped_column(sa.String(36), nullable=True, index=True)
    invitation_status: Mapped[str] = mapped_column(sa.String(12))  # not_invited|sent|accepted
    invitation_token_hash: Mapped[str | None] = mapped_column(
        sa.String(64), nullable=True, unique=True
    )
    # The address e-mail 1 went to: its link is redeemed with that address only.
    invitation_email_sealed: Mapped[str | None] = mapped_column(
        "invitation_email", sa.Text, nullable=True
    )
    invitation_email_index: Mapped[str | None] = mapped_column(
        sa.String(64), nullable=True, index=True
    )
    invitation_email = SealedText(
        "invitation_email_sealed", index="invitation_email_index", normalise=str.lower
    )
    # An existing portal account that redeemed the link: linked once its holder accepts.
    pending_account_id: Mapped[str | None] = mapped_column(sa.String(36), nullable=True, index=True)
    invited_at = mapped_column(UTCDateTime, nullable=True)
    accepted_at = mapped_column(UTCDateTime, nullable=True)
    created_by: Mapped[str] = mapped_column(sa.String(36))
    created_at = mapped_column(UTCDateTime, nullable=False)
    # The office whose owner alone still sees the client: the relationship ended and
    # its records are kept for the retention period (retention.py).
    retained_for: Mapped[str | None] = mapped_column(sa.String(36), nullable=True)
    # The client asked the office to erase their data (retention.py; the office decides).
    erasure_requested_at = mapped_column(UTCDateTime, nullable=True)
    field_key = field_key_relationship(ClientFieldKey, "Client.id")

    def field_owner(self):
        return self.id


class Dossier(Base):
    __tablename__ = "dossiers"
    __table_args__ = (
        sa.UniqueConstraint("office_id", "number"),
        # GET /dossiers, a page at a time (services/common/paging.py)
        sa.Index("ix_dossiers_office_status_created", "office_id", "status", "created_at", "id"),
    )
    id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)
    office_id: Mapped[str] = mapped_column(sa.ForeignKey("offices.id"), index=True)
    client_id: Mapped[str] = mapped_column(sa.ForeignKey("clients.id"), index=True)
    number: Mapped[str] = mapped_column(sa.String(50))
    description: Mapped[str] = mapped_column(sa.String(500))
    status: Mapped[str] = mapped_column(sa.String(12), index=True)  # in_progress | closed
    created_by: Mapped[str] = mapped_column(sa.String(36))
    created_at = mapped_column(UTCDateTime, nullable=False)
    updated_at = mapped_column(UTCDateTime, nullable=False)


class Product(Base):
    """A product the client has: a mortgage or a life insurance. Its number (the policy
    or loan number) is sealed under the client's field key."""

    __tablename__ = "products"
    __field_key__ = ClientFieldKey
    # A client's products, a page at a time (services/common/paging.py)
    __table_args__ = (sa.Index("ix_products_client_created", "client_id", "created_at", "id"),)
    id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)
    client_id: Mapped[str] = mapped_column(sa.ForeignKey("clients.id"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(20))  # mortgage | life_insurance
    provider: Mapped[str | None] = mapped_column(sa.String(100), nullable=True)
    number_sealed: Mapped[str | None] = mapped_column("number", sa.Text, nullable=True)
    number = SealedText("number_sealed")
    amount_cents: Mapped[int | None] = mapped_column(sa.BigInteger, nullable=True)
    start_date: Mapped[str | None] = mapped_column(sa.String(10), nullable=True)  # ISO date
    created_by: Mapped[str] = mapped_column(sa.String(36))
    created_at = mapped_column(UTCDateTime, nullable=False)
    field_key = field_key_relationship(ClientFieldKey, "Product.client_id")

    def field_owner(self):
        return self.client_id


class MortgageApplication(Base):
    """running -> approved | rejected | withdrawn"""

    __tablename__ = "mortgage_applications"
    # Staff's (by office) and the lender's (by status) lists, newest first, a page at a
    # time (services/common/paging.py)
    __table_args__ = (
        sa.Index(
            "ix_mortgage_applications_office_status_created",
            "office_id",
            "status",
            "created_at",
            "id",
        ),
        sa.Index("ix_mortgage_applications_status_created", "status", "created_at", "id"),
    )
    id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)
    client_id: Mapped[str] = mapped_column(sa.ForeignKey("clients.id"), index=True)
    office_id: Mapped[str] = mapped_column(sa.String(36), index=True)
    amount_cents: Mapped[int] = mapped_column(sa.BigInteger)
    lender: Mapped[str | None] = mapped_column(sa.String(100), nullable=True)
    status: Mapped[str] = mapped_column(sa.String(12), index=True)
    created_by: Mapped[str] = mapped_column(sa.String(36))
    created_at = mapped_column(UTCDateTime, nullable=False)
    updated_at = mapped_column(UTCDateTime, nullable=False)


class AuditEntry(ChainedEntry, Base):
    """Who did what to which object, and when: the trail staff read per dossier and a
    client reads for their own data. Ids only, never personal data: each entry is
    chained in its stream (`audit_stream`; docs/privacy.md "Audit trail")."""

    __tablename__ = "audit_entries"
    # The trails, a page at a time (services/common/paging.py)
    __table_args__ = (
        sa.Index("ix_audit_entries_dossier_at", "dossier_id", "at", "id"),
        sa.Index("ix_audit_entries_client_at", "client_id", "at", "id"),
        # a client's own trail: what their account did, and what was done to it
        sa.Index("ix_audit_entries_actor_id", "actor_id"),
        sa.Index("ix_audit_entries_object", "object_type", "object_id"),
        sa.UniqueConstraint("stream", "seq", name="uq_audit_entries_stream_seq"),
    )
    id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)
    at = mapped_column(UTCDateTime, nullable=False, index=True)
    actor_id: Mapped[str | None] = mapped_column(sa.String(36), nullable=True)
    actor_kind: Mapped[str | None] = mapped_column(sa.String(10), nullable=True)
    action: Mapped[str] = mapped_column(sa.String(40))
    client_id: Mapped[str | None] = mapped_column(sa.String(36), nullable=True, index=True)
    dossier_id: Mapped[str | None] = mapped_column(sa.String(36), nullable=True, index=True)
    object_type: Mapped[str] = mapped_column(sa.String(30))
    object_id: Mapped[str] = mapped_column(sa.String(36))


def audit_stream(entry):
    """One stream per dossier; a client's entries outside any dossier in one per client;
    what a client's account did outside both (downloading their export) in one per
    account, so that their own export can hold it without the rest."""
    if entry.dossier_id:
        return f"dossier:{entry.dossier_id}"
    if entry.client_id:
        return f"client:{entry.client_id}"
    if entry.actor_kind == "client" and entry.actor_id:
        return f"account:{entry.actor_id}"
    return "dossier"


def audit_content(entry):
    """What an entry's content hash covers."""
    return {
        "id": entry.id,
        "at": timestamp(entry.at),
        "actor_id": entry.actor_id,
        "actor_kind": entry.actor_kind,
        "action": entry.action,
        "client_id": entry.client_id,
        "dossier_id": entry.dossier_id,
        "object_type": entry.object_type,
        "object_id": entry.object_id,
    }


chain_entries(AuditEntry, audit_stream, audit_content)


class Task(Base):
    """Work waiting for an office's staff. `review_upload`: a document was delivered for
    a document request of the office (by the client, or the lender). open -> done, by
    hand or when the request is reviewed. At most one open task per request (the partial
    unique index). `answer_message`: a client wrote (`message_id`, the message that
    opened it); done by hand or by a staff reply in its thread; one open per thread."""

    __tablename__ = "tasks"
    __table_args__ = (
        sa.Index(
            "uq_tasks_open_request",
            "request_id",
            unique=True,
            postgresql_where=sa.text("status = 'open'"),
            sqlite_where=sa.text("status = 'open'"),
        ),
        # GET /tasks, a page at a time (services/common/paging.py)
        sa.Index("ix_tasks_office_status_created", "office_id", "status", "created_at", "id"),
    )
    id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)
    type: Mapped[str] = mapped_column(sa.String(30))  # review_upload
    office_id: Mapped[str] = mapped_column(sa.ForeignKey("offices.id"), index=True)
    dossier_id: Mapped[str] = mapped_column(sa.ForeignKey("dossiers.id"), index=True)
    client_id: Mapped[str] = mapped_column(sa.String(36), index=True)
    request_id: Mapped[str | None] = mapped_column(sa.String(36), nullable=True)
    message_id: Mapped[str | None] = mapped_column(sa.String(36), nullable=True)  # answer_message
    status: Mapped[str] = mapped_column(sa.String(10), index=True)  # open | done
    created_at = mapped_column(UTCDateTime, nullable=False, index=True)
    # The newest upload the task stands for: a review closes it only when it came after.
    last_upload_at = mapped_column(UTCDateTime, nullable=False)
    done_at = mapped_column(UTCDateTime, nullable=True)
    done_by: Mapped[str | None] = mapped_column(sa.String(36), nullable=True)


class Message(Base):
    """A message in a dossier, between the client and the office. Replies share the
    first message's `thread_id`. `read_at`: when the other side (the client, or any staff
    member of the office) read it. `attachments`: [{id, name, size, content_type,
    sha256}]: the documents (in documents) filed when it was sent. Subject, body and
    attachments (their file names) are sealed under the field key of the dossier's
    client."""

    __tablename__ = "messages"
    __field_key__ = ClientFieldKey
    # A dossier's messages, a page at a time (services/common/paging.py)
    __table_args__ = (sa.Index("ix_messages_dossier_created", "dossier_id", "created_at", "id"),)
    id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)
    dossier_id: Mapped[str] = mapped_column(sa.ForeignKey("dossiers.id"), index=True)
    office_id: Mapped[str] = mapped_column(sa.String(36), index=True)
    client_id: Mapped[str] = mapped_column(sa.String(36), index=True)
    thread_id: Mapped[str] = mapped_column(sa.String(36), index=True)
    reply_to: Mapped[str | None] = mapped_column(sa.String(36), nullable=True)
    subject_sealed: Mapped[str] = mapped_column("subject", sa.Text)
    subject = SealedText("subject_sealed")
    body_sealed: Mapped[str] = mapped_column("body", sa.Text)
    body = SealedText("body_sealed")
    sender_id: Mapped[str] = mapped_column(sa.String(36))
    sender_kind: Mapped[str] = mapped_column(sa.String(10))  # client | staff
    attachments_sealed = mapped_column("attachments", sa.Text, nullable=False)
    attachments = SealedJSON("attachments_sealed", erased=[])
    created_at = mapped_column(UTCDateTime, nullable=False, index=True)
    read_at = mapped_column(UTCDateTime, nullable=True)
    read_by: Mapped[str | None] = mapped_column(sa.String(36), nullable=True)
    field_key = field_key_relationship(ClientFieldKey, "Message.client_id")

    def field_owner(self):
        return self.client_id


class QuestionnaireTemplate(Base):
    """An office's questionnaire: pages of typed questions (`pages` as given, validated)."""

    __tablename__ = "questionnaire_templates"
    # The offices' templates, newest first, a page at a time (services/common/paging.py)
    __table_args__ = (
        sa.Index("ix_questionnaire_templates_office_created", "office_id", "created_at", "id"),
    )
    id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)
    office_id: Mapped[str] = mapped_column(sa.ForeignKey("offices.id"), index=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    pages = mapped_column(sa.JSON, nullable=False)
    created_by: Mapped[str] = mapped_column(sa.String(36))
    created_at = mapped_column(UTCDateTime, nullable=False)


class Questionnaire(Base):
    """A template assigned to a dossier: a copy of its pages (later edits of the template
    change nothing here), the answers saved so far, open -> completed (then frozen, with
    the PDF of the answers as `document_id` in documents). The answers are sealed under
    the field key of the dossier's client."""

    __tablename__ = "questionnaires"
    __field_key__ = ClientFieldKey
    # A dossier's questionnaires and a client's open ones (their actions), a page at a
    # time (services/common/paging.py)
    __table_args__ = (
        sa.Index("ix_questionnaires_dossier_created", "dossier_id", "created_at", "id"),
        sa.Index(
            "ix_questionnaires_client_status_created", "client_id", "status", "created_at", "id"
        ),
    )
    id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)
    template_id: Mapped[str] = mapped_column(sa.String(36))
    dossier_id: Mapped[str] = mapped_column(sa.ForeignKey("dossiers.id"), index=True)
    office_id: Mapped[str] = mapped_column(sa.String(36), index=True)
    client_id: Mapped[str] = mapped_column(sa.String(36), index=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    pages = mapped_column(sa.JSON, nullable=False)
    answers_sealed = mapped_column("answers", sa.Text, nullable=False)
    answers = SealedJSON("answers_sealed", erased={})
    # The furthest page saved (an optional page left blank keeps no answers, but was
    # seen): where the client carries on.
    last_saved_page: Mapped[int] = mapped_column(sa.Integer, default=0, server_default="0")
    status: Mapped[str] = mapped_column(sa.String(10), index=True)  # open | completed
    document_id: Mapped[str | None] = mapped_column(sa.String(36), nullable=True)
    assigned_by: Mapped[str] = mapped_column(sa.String(36))
    created_at = mapped_column(UTCDateTime, nullable=False)
    updated_at = mapped_column(UTCDateTime, nullable=False)
    completed_at = mapped_column(UTCDateTime, nullable=True)
    completed_by: Mapped[str | None] = mapped_column(sa.String(36), nullable=True)
    field_key = field_key_relationship(ClientFieldKey, "Questionnaire.client_id")

    def field_owner(self):
        return self.client_id


# -- the read model of documents' facts (kept from documents' events) --------------------
class DocumentFact(Base):
    """What dossier knows of a document in documents, for the counts per tab that a
    dossier's answers carry (document_facts.py). `public_at`: when the fact behind
    `public` happened (the event's `occurred_at`; NULL when it came from the backfill):
    an older visibility change arriving late never undoes a newer one."""

    __tablename__ = "document_facts"
    # The counts for a page of dossiers: read from this index alone (covering).
    __table_args__ = (
        sa.Index(
            "ix_document_facts_counts", "dossier_id", "category", "public", "uploaded_by", "id"
        ),
    )
    id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)
    dossier_id: Mapped[str] = mapped_column(sa.String(36))
    category: Mapped[str] = mapped_column(sa.String(20))  # document|correspondence|delivered_by_me
    public: Mapped[bool] = mapped_column(sa.Boolean)
    uploaded_by: Mapped[str] = mapped_column(sa.String(36))
    public_at = mapped_column(UTCDateTime, nullable=True)


class DocumentRead(Base):
    """A reader downloaded the document (not a look-along session): it is read for them.
    The key serves the counts' look-up per (document, reader)."""

    __tablename__ = "document_reads"
    document_id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)
    account_id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)


class Backfill(Base):
    """A one-time copy of another service's facts into a read model, resumable:
    `cursor` is where the next page starts, `done_at` set once it is complete."""

    __tablename__ = "backfills"
    name: Mapped[str] = mapped_column(sa.String(50), primary_key=True)
    cursor: Mapped[str | None] = mapped_column(sa.String(100), nullable=True)
    done_at = mapped_column(UTCDateTime, nullable=True)


class ClientRetention(Base):
    """A client relationship that ended: when, by whom, and until when its records are
        kept (`erase_at`); `erased_at` once the client's data was erased;
        `requested_erased_at` once what goes at once for a client who asked for erasure was
        erased (erasure.py; the timer retries it until then); `signer_erased_at` once signing
    erased the client and its extra accounts as signers (the timer calls it for every
    erased client until then, those erased before it existed too)."""

    __tablename__ = "client_retention"
    client_id: Mapped[str] = mapped_column(sa.ForeignKey("clients.id"), primary_key=True)
    office_id: Mapped[str] = mapped_column(sa.String(36), index=True)
    ended_at = mapped_column(UTCDateTime, nullable=False)
    ended_by: Mapped[str] = mapped_column(sa.String(36))
    erase_at = mapped_column(UTCDateTime, nullable=False, index=True)
    erased_at = mapped_column(UTCDateTime, nullable=True)
    requested_erased_at = mapped_column(UTCDateTime, nullable=True)
    signer_erased_at = mapped_column(UTCDateTime, nullable=True)
