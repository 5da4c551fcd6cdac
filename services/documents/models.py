"""documents's tables: documents and who downloaded them, document requests, and the
uploads in flight (a ticket, then a stored blob, then attached to a document).

What is about the client in them is sealed under the client's field key
(`ClientFieldKey`, services/common/sealed_columns.py): a document's title and file name,
an upload's file name, a request's description and the reason it was sent back. The
code reads and writes them as text; `shred_client` destroys the key with the client's
blob keys at the end of retention (docs/privacy.md)."""

import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from services.common.db import UTCDateTime
from services.common.field_backfill import BackfillColumns
from services.common.plumbing import plumbing_tables
from services.common.sealed_columns import FieldKeyColumns, SealedText, field_key_relationship


class Base(DeclarativeBase):
    pass


metadata = Base.metadata
plumbing_tables(metadata)


class ClientFieldKey(FieldKeyColumns, Base):
    """One key per client (owner_id: client_id) for the sealed fields below; `wrapped`
    None once shred_client destroyed it. Apart from `client_keys` (the blobs'): those
    are wrapped by BLOB_KEYS, several per client may exist, and a blob names its own."""

    __tablename__ = "client_field_keys"


class FieldBackfill(BackfillColumns, Base):
    """The state of the backfill that seals rows written before sealing (migration 0012,
    field_backfill.py): row "sealed_fields"."""

    __tablename__ = "field_backfill"


class Document(Base):
    """A file in a dossier. `public`: the client sees it. `blob_name`: its encrypted
    bytes in the blob store. `request_id`: the document request it was delivered for."""

    __tablename__ = "documents"
    __field_key__ = ClientFieldKey
    id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)
    dossier_id: Mapped[str] = mapped_column(sa.String(36), index=True)
    office_id: Mapped[str] = mapped_column(sa.String(36), index=True)
    client_id: Mapped[str] = mapped_column(sa.String(36), index=True)
    category: Mapped[str] = mapped_column(sa.String(20))  # document|correspondence|delivered_by_me
    public: Mapped[bool] = mapped_column(sa.Boolean)
    title_sealed = mapped_column("title", sa.Text, nullable=False)
    title = SealedText("title_sealed")
    name_sealed = mapped_column("name", sa.Text, nullable=False)
    name = SealedText("name_sealed")
    size: Mapped[int] = mapped_column(sa.BigInteger)
    sha256: Mapped[str] = mapped_column(sa.String(64))
    content_type: Mapped[str] = mapped_column(sa.String(100))
    blob_name: Mapped[str] = mapped_column(sa.String(36), unique=True)
    request_id: Mapped[str | None] = mapped_column(sa.String(36), nullable=True, index=True)
    # A message's attachment (dossier owns the message).
    message_id: Mapped[str | None] = mapped_column(sa.String(36), nullable=True, index=True)
    # Signed, or offered for signature and signed: its bytes and visibility are final.
    locked: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    uploaded_by: Mapped[str] = mapped_column(sa.String(36))
    uploaded_by_kind: Mapped[str] = mapped_column(sa.String(10))
    created_at = mapped_column(UTCDateTime, nullable=False)
    # A dossier's list, newest first, a page at a time (services/common/paging.py).
    __table_args__ = (sa.Index("ix_documents_dossier_created", "dossier_id", "created_at", "id"),)
    field_key = field_key_relationship(ClientFieldKey, "Document.client_id")

    def field_owner(self):
        return self.client_id


class ErasedDocument(Base):
    """A document erased at once (erasure.py), by reference: its ids and its blob's name,
    nothing personal. Kept so that erasing again answers every document that went (the
    caller may have missed the first answer) and so that a blob whose deletion failed is
    deleted later (`blob_deleted_at` still empty)."""

    __tablename__ = "erased_documents"
    id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)  # the document's
    client_id: Mapped[str] = mapped_column(sa.String(36), index=True)
    dossier_id: Mapped[str] = mapped_column(sa.String(36))
    blob_name: Mapped[str] = mapped_column(sa.String(36))
    erased_at = mapped_column(UTCDateTime, nullable=False)
    blob_deleted_at = mapped_column(UTCDateTime, nullable=True, index=True)


class Download(Base):
    """The first time a reader downloaded a document (for `downloaded` and unread)."""

    __tablename__ = "downloads"
    document_id: Mapped[str] = mapped_column(sa.ForeignKey("documents.id"), primary_key=True)
    account_id: Mapped[str] = mapped_column(sa.String(36), primary_key=True, index=True)
    at = mapped_column(UTCDateTime, nullable=False)


class DocumentRequest(Base):
    """An item of a dossier's checklist. `deliver_by` client or lender (never shown to
    the client). status open -> uploaded -> approved | rejected (-> uploaded again)."""

    __tablename__ = "document_requests"
    __field_key__ = ClientFieldKey
    # A dossier's checklist, and the lender's items (all, or of one status), a page at a
    # time (services/common/paging.py)
    __table_args__ = (
        sa.Index("ix_document_requests_dossier_created", "dossier_id", "created_at", "id"),
        sa.Index("ix_document_requests_deliver_created", "deliver_by", "created_at", "id"),
        sa.Index(
            "ix_document_requests_deliver_status_created",
            "deliver_by",
            "status",
            "created_at",
            "id",
        ),
        # One request per DA item of a dossier (hdn_import.py).
        sa.Index("ux_document_requests_dossier_hdn", "dossier_id", "hdn_key", unique=True),
    )
    id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)
    dossier_id: Mapped[str] = mapped_column(sa.String(36), index=True)
    office_id: Mapped[str] = mapped_column(sa.String(36), index=True)
    client_id: Mapped[str] = mapped_column(sa.String(36), index=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    description_sealed = mapped_column("description", sa.Text, nullable=True)
    description = SealedText("description_sealed")
    deliver_by: Mapped[str] = mapped_column(sa.String(10))
    due_date: Mapped[str | None] = mapped_column(sa.String(10), nullable=True)  # ISO date
    status: Mapped[str] = mapped_column(sa.String(10), index=True)
    reason_sealed = mapped_column("reason", sa.Text, nullable=True)
    reason = SealedText("reason_sealed")
    created_by: Mapped[str] = mapped_column(sa.String(36))
    created_at = mapped_column(UTCDateTime, nullable=False)
    updated_at = mapped_column(UTCDateTime, nullable=False)
    reviewed_by: Mapped[str | None] = mapped_column(sa.String(36), nullable=True)
    reviewed_at = mapped_column(UTCDateTime, nullable=True)
    # A type of the validity table (validity.py): what was delivered goes stale.
    document_type: Mapped[str | None] = mapped_column(sa.String(40), nullable=True)
    delivered_at = mapped_column(UTCDateTime, nullable=True)  # the latest delivery
    # An item of an HDN document request (DA, hdn_import.py): its DocumentKenmerk,
    # SoortDocument code and the lender's DocumentStatus as a word.
    hdn_key: Mapped[str | None] = mapped_column(sa.String(40), nullable=True)
    hdn_code: Mapped[str | None] = mapped_column(sa.String(10), nullable=True)
    lender_status: Mapped[str | None] = mapped_column(sa.String(24), nullable=True)
    field_key = field_key_relationship(ClientFieldKey, "DocumentRequest.client_id")

    def field_owner(self):
        return self.client_id


class HdnApplication(Base):
    """The HDN application (AanvraagVolgNr) a dossier's DA messages belong to: set by
    its first DA, and every later DA for the dossier must name the same one."""

    __tablename__ = "hdn_applications"
    __table_args__ = (sa.UniqueConstraint("office_id", "application_number"),)
    dossier_id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)
    office_id: Mapped[str] = mapped_column(sa.String(36))
    application_number: Mapped[str] = mapped_column(sa.String(40))
    created_at = mapped_column(UTCDateTime, nullable=False)


class Upload(Base):
    """An upload in flight, named by its id (also the blob's name). status `ticket`
    (may send bytes, once) -> `receiving` -> `stored` -> `attached`, or `failed` /
    `discarded`; an attachment waits as `pending` until its message is sent. Only an
    attached blob belongs to a document; the janitor removes the rest once they are old.
    `purpose`: document (staff), request (a delivery for a request), attachment (of a
    message), delivery (a client's own file, e.g. a questionnaire's PDF)."""

    __tablename__ = "uploads"
    __field_key__ = ClientFieldKey
    id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)
    ticket_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    status: Mapped[str] = mapped_column(sa.String(10), index=True)
    purpose: Mapped[str] = mapped_column(sa.String(12))
    name_sealed = mapped_column("name", sa.Text, nullable=True)
    name = SealedText("name_sealed")
    message_id: Mapped[str | None] = mapped_column(sa.String(36), nullable=True)
    dossier_id: Mapped[str] = mapped_column(sa.String(36))
    office_id: Mapped[str] = mapped_column(sa.String(36))
    client_id: Mapped[str] = mapped_column(sa.String(36))
    request_id: Mapped[str | None] = mapped_column(sa.String(36), nullable=True)
    account_id: Mapped[str] = mapped_column(sa.String(36))
    size: Mapped[int | None] = mapped_column(sa.BigInteger, nullable=True)
    sha256: Mapped[str | None] = mapped_column(sa.String(64), nullable=True)
    content_type: Mapped[str | None] = mapped_column(sa.String(100), nullable=True)
    extension: Mapped[str | None] = mapped_column(sa.String(10), nullable=True)
    created_at = mapped_column(UTCDateTime, nullable=False)
    expires_at = mapped_column(UTCDateTime, nullable=False)
    field_key = field_key_relationship(ClientFieldKey, "Upload.client_id")

    def field_owner(self):
        return self.client_id


class DownloadTicket(Base):
    """Lets the gateway fetch one document's bytes once, shortly after the caller was
    authorized over RPC (bytes never travel over the bus)."""

    __tablename__ = "download_tickets"
    ticket_hash: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    blob_name: Mapped[str] = mapped_column(sa.String(36))
    expires_at = mapped_column(UTCDateTime, nullable=False)


class Export(Base):
    """A client's export of their own data (AVG art. 15 and 20): a ZIP, sealed in the
    blob store under the export's id while `ready` (exports.py)."""

    __tablename__ = "exports"
    id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)
    account_id: Mapped[str] = mapped_column(sa.String(36), index=True)
    status: Mapped[str] = mapped_column(sa.String(12), index=True)  # exports.STATUSES
    language: Mapped[str] = mapped_column(sa.String(2), default="nl")
    attempts: Mapped[int] = mapped_column(sa.Integer, default=0)
    size: Mapped[int | None] = mapped_column(sa.BigInteger, nullable=True)  # the ZIP's
    sha256: Mapped[str | None] = mapped_column(sa.String(64), nullable=True)
    blob_kept: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    requested_at = mapped_column(UTCDateTime, nullable=False)
    ready_at = mapped_column(UTCDateTime, nullable=True)
    expires_at = mapped_column(UTCDateTime, nullable=True)
    downloaded_at = mapped_column(UTCDateTime, nullable=True)


class ClientKey(Base):
    """A key that wraps the data keys of blobs (sealing.py, header version 2), kept
    wrapped by the key-encryption key `kek_id`: a client's (`client_id`; the one new
    blobs get is `current_for` the client, unique, so there is never a second) or one
    export's (`export_id`, client_keys.key_for_export). Destroying sets `wrapped` to None
    for good (the row stays, so that a read says "shredded" rather than "damaged").
    A client may have older keys (made before `current_for`): all are shredded."""

    __tablename__ = "client_keys"
    id: Mapped[str] = mapped_column(sa.String(32), primary_key=True)
    client_id: Mapped[str | None] = mapped_column(sa.String(36), index=True, nullable=True)
    current_for: Mapped[str | None] = mapped_column(sa.String(36), nullable=True)
    export_id: Mapped[str | None] = mapped_column(sa.String(36), index=True, nullable=True)
    kek_id: Mapped[str] = mapped_column(sa.String(32))
    wrapped: Mapped[bytes | None] = mapped_column(sa.LargeBinary(64), nullable=True)
    created_at = mapped_column(UTCDateTime, nullable=False)
    shredded_at = mapped_column(UTCDateTime, nullable=True)
    __table_args__ = (sa.Index("ux_client_keys_current_for", "current_for", unique=True),)


class ExportClient(Base):
    """A client whose data an export holds: shredding the client destroys the export's
    key too (client_keys.shred)."""

    __tablename__ = "export_clients"
    export_id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)
    client_id: Mapped[str] = mapped_column(sa.String(36), primary_key=True, index=True)


def locked(model):
    """`with_for_update` arguments that lock `model`'s rows alone: a model with sealed
    fields is read with its field key by an outer join, and PostgreSQL refuses FOR
    UPDATE on the nullable side of one."""
    return {"of": model}
