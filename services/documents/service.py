"""documents: file blobs and their metadata, visibility, download receipts, document
requests and their review.

Bytes travel over HTTP between the gateway and this service's blob endpoint (see
blob_endpoint.py), each transfer authorized first over RPC with a one-time ticket.
Access to a dossier is dossier's fact: asked with the caller's own principal."""

from nameko.timer import timer

from services.common.rpc import TimedRpcProxy
from services.common.service import ServiceBase, rpc
from services.common.settings_dependency import Settings
from services.common.store import Store
from services.common.web_server import pooled_http

from . import (
    attachments,
    blob_endpoint,
    checklist,
    client_keys,
    downloads,
    erasure,
    facts,
    field_backfill,
    finishing,
    hdn_da,
    hdn_import,
    janitor,
    library,
    uploads,
    validity,
)
from .access import document_access, dossier_access, visible_dossier_ids
from .dependencies import Blobs
from .export_entrypoints import ExportEntrypoints
from .models import metadata
from .settings import BACKFILL_INTERVAL_S, DocumentsSettings


class DocumentsService(ExportEntrypoints, ServiceBase):
    name = "documents"
    store = Store(metadata, seals_fields=True)  # the client's names and titles: models.py
    blobs = Blobs()
    settings = Settings(DocumentsSettings)
    dossier = TimedRpcProxy("dossier", timeout=10)  # carries the caller's principal

    def _access(self, dossier_id):
        """{dossier_id, office_id, client_id, as} or NotFound (access.py, from dossier)."""
        return dossier_access(self.dossier, dossier_id)

    def _document_access(self, document_id):
        """The caller's access to the document's dossier (NotFound for an unknown one)."""
        return document_access(self.store, self.dossier, document_id)

    # -- bytes (HTTP, from the gateway) ---------------------------------------------------
    # In pools of their own (MAX_UPLOADS_IN_FLIGHT each), never max_workers: a stalled
    # transfer cannot take a worker that an RPC needs.
    @pooled_http("PUT", "/blobs/<upload_id>")
    def receive_blob(self, request, upload_id):
        return blob_endpoint.receive(
            self.store,
            self.blobs.store,
            self.blobs.scanner,
            self.blobs.max_upload_bytes,
            request,
            upload_id,
        )

    @pooled_http("GET", "/blobs/content")
    def send_blob(self, request):
        return blob_endpoint.send(self.store, self.blobs.store, request)

    @timer(interval=BACKFILL_INTERVAL_S, eager=True)
    def backfill_sealed_fields(self):
        """Until done, once per deployment: the personal fields written before they were
        sealed get sealed (field_backfill.py)."""
        field_backfill.SEALING.round(self.store)

    @timer(interval=300)
    def remove_stale_uploads(self):
        """Blobs of uploads that never became documents (refused, abandoned, or cut off
        by a crash) are deleted once they are old; so are the blobs of erased documents
        whose deletion failed at the erasure."""
        with self.store.lease("remove_stale_uploads") as held:
            if held:  # one instance at a time
                janitor.remove_stale_uploads(self.store, self.blobs.store)
                erasure.delete_erased_blobs(self.store, self.blobs.store)

    # -- uploads ----------------------------------------------------------------------------
    @rpc
    def begin_document_upload(self, dossier_id):
        """Staff of the dossier. -> {upload_id, ticket} for PUT /blobs/<upload_id>."""
        principal = self.caller.require("staff", write=True)
        principal.require_scope("documents:write")  # an office system's key
        access = self._access(dossier_id)
        with self.store.unit_of_work() as uow:
            return uploads.begin_upload(uow, principal, access)

    @rpc
    def begin_request_upload(self, request_id):
        """The client or staff (client items), the admin (lender items). -> {upload_id,
        ticket}. NotFound, Forbidden, RequestClosed (approved)."""
        principal = self.caller.require("client", "staff", "admin", write=True)
        with self.store.unit_of_work() as uow:
            item = checklist.find_request(uow, request_id)
        access = None if principal.is_admin else self._access(item.dossier_id)
        with self.store.unit_of_work() as uow:
            return checklist.begin_delivery(uow, principal, item, access)

    @rpc
    def finish_upload(self, upload_id, file_name=None, category=None, public=False, title=None):
        """The stored upload becomes a document. For a dossier upload `category`
        (document|correspondence), `public`, `title`; for a request upload none of them.
        -> the document. Events document_uploaded (+ document_published)."""
        principal = self.caller.require("client", "staff", "admin", write=True)
        with self.store.unit_of_work() as uow:
            return finishing.finish(uow, principal, upload_id, file_name, category, public, title)

    @rpc
    def begin_delivery_upload(self, dossier_id):
        """The client (or staff) of the dossier: a file of the client's own, filed under
        `delivered_by_me` (e.g. a questionnaire's PDF, made by dossier). -> {upload_id,
        ticket}; finish with finish_upload(upload_id, file_name, title=...)."""
        principal = self.caller.require("client", "staff", write=True)
        access = self._access(dossier_id)
        with self.store.unit_of_work() as uow:
            return uploads.begin_upload(uow, principal, access, purpose="delivery")

    # -- attachments of messages (dossier owns the messages) ----------------------------
    @rpc
    def begin_attachment_upload(self, dossier_id):
        """Client or staff of the dossier. -> {upload_id, ticket}; then keep_attachment."""
        principal = self.caller.require("client", "staff", write=True)
        access = self._access(dossier_id)
        with self.store.unit_of_work() as uow:
            return uploads.begin_upload(uow, principal, access, purpose="attachment")

    @rpc
    def keep_attachment(self, upload_id, file_name=None):
        """The stored attachment waits for its message. -> {id, name, size,
        content_type, sha256}"""
        principal = self.caller.require("client", "staff", write=True)
        with self.store.unit_of_work() as uow:
            return attachments.keep_attachment(uow, principal, upload_id, file_name)

    @rpc
    def remove_attachment(self, attachment_id):
        """The sender's own attachment, until its message is sent; else NotFound."""
        principal = self.caller.require("client", "staff", write=True)
        with self.store.unit_of_work() as uow:
            name = attachments.remove_attachment(uow, principal, attachment_id)
        self.blobs.store.delete(name)

    @rpc
    def file_attachments(self, message_id, dossier_id, attachment_ids):
        """Called by dossier when a message is sent, with the sender's principal: the
        attachments become documents of the dossier. NotFound for any that is not the
        sender's own pending attachment of this dossier. -> [{id, name, size, ...}]"""
        principal = self.caller.require("client", "staff", write=True)
        self._access(dossier_id)
        with self.store.unit_of_work() as uow:
            return attachments.file_attachments(
                uow, principal, message_id, dossier_id, attachment_ids
            )

    @rpc
    def discard_upload(self, upload_id):
        """The caller's own upload that will not become a document (e.g. its form was
        invalid): its blob is deleted now."""
        principal = self.caller.require("client", "staff", "admin")
        with self.store.unit_of_work() as uow:
            name = uploads.discard_upload(uow, principal, upload_id)
        if name:
            self.blobs.store.delete(name)

    # -- documents --------------------------------------------------------------------------
    @rpc
    def list_documents(self, dossier_id, category=None, limit=50, cursor=None):
        """Staff: all; client: the public ones. -> {items, next_cursor}: a page, newest
        first; items carry `downloaded` for the caller. ValidationFailed: cursor."""
        principal = self.caller.require("staff", "client")
        access = self._access(dossier_id)
        with self.store.unit_of_work() as uow:
            return library.list_documents(
                uow, self.paging, principal, access, category, limit, cursor
            )

    @rpc
    def open_download(self, document_id):
        """-> {ticket, name, size, content_type, sha256}; marks it downloaded for the
        caller. Event document_downloaded."""
        principal = self.caller.require("staff", "client")
        access = self._document_access(document_id)
        with self.store.unit_of_work() as uow:
            return downloads.open_download(uow, principal, access, document_id)

    @rpc
    def open_service_download(self, document_id):
        """signing only (as a service), for the original it signs once it checked the
        signer: -> {ticket, name, size, content_type, sha256}. Nobody downloaded it:
        nothing is marked and no event is sent."""
        self.caller.require_service("signing")
        with self.store.unit_of_work() as uow:
            return downloads.open_service_download(uow, document_id)

    @rpc
    def set_document_visibility(self, document_id, public):
        """Staff: shows or hides it in the client's portal at once. VisibilityFixed for
        what the client delivered. Event document_visibility_changed (with the document's
        category and uploader: dossier's counts per tab)."""
        principal = self.caller.require("staff", write=True)
        access = self._document_access(document_id)
        with self.store.unit_of_work() as uow:
            return library.set_visibility(uow, principal, access, document_id, public)

    @rpc
    def describe_document(self, document_id):
        """A document as the caller may see it (staff: any of the dossier; client: public
        ones). -> the document with its dossier_id, office_id, client_id."""
        principal = self.caller.require("staff", "client")
        access = self._document_access(document_id)
        with self.store.unit_of_work() as uow:
            return library.describe_document(uow, principal, access, document_id)

    @rpc
    def lock_document(self, document_id):
        """signing only (as a service): the document was signed, or signed from; from now
        on its visibility cannot change (DocumentSigned)."""
        self.caller.require_service("signing")
        with self.store.unit_of_work() as uow:
            library.lock(uow, document_id)

    @rpc
    def export_document_facts(self, after=None, limit=500):
        """dossier only (as a service), for its read model of the counts per tab, once
        per deployment: a page of every document's facts, by id. -> {documents: [{id,
        dossier_id, category, public, uploaded_by}], downloads: [[document_id,
        account_id]], next_cursor} (None after the last page)."""
        self.caller.require_service("dossier")
        with self.store.unit_of_work() as uow:
            return facts.export_facts(uow, after, limit)

    @rpc
    def shred_client(self, client_id):
        """dossier only (as a service), when the client's retention has run out: the
        client's keys are destroyed, so none of their blobs can be decrypted again, in
        the store or in any copy (crypto-shredding), nor can the exports holding their
        data, nor the sealed names and titles of their documents, uploads and requests
        (the client's field key, in the same transaction; those written before sealing,
        still plain text, are blanked). Idempotent. -> blob keys destroyed now."""
        self.caller.require_service("dossier")
        return client_keys.shred_client(self.store, client_id)

    @rpc
    def erase_client_documents(self, client_id):
        """dossier only, when a client who asked for erasure left: the documents no law
        keeps (erasure.py) go now, rows and blobs. -> {erased: [{id, dossier_id}]}:
        every document of the client erased so far, earlier calls' too (a tombstone of
        each is kept), so that a caller who missed an answer gets it again. Idempotent."""
        self.caller.require_service("dossier")
        with self.store.unit_of_work() as uow:
            erased = erasure.erase_unkept(uow, client_id)
        # Once committed; a blob whose deletion fails is deleted by the janitor's timer.
        erasure.delete_erased_blobs(self.store, self.blobs.store, client_id)
        return {"erased": erased}

    # -- document requests ------------------------------------------------------------------
    @rpc
    def create_request(
        self, dossier_id, title, deliver_by, description=None, due_date=None, document_type=None
    ):
        """Staff of the dossier. -> {id, status: "open", ...}. Event request_created.
        `document_type`: one of the validity table's (validity.py)."""
        principal = self.caller.require("staff", write=True)
        principal.require_scope("requests:write")  # an office system's key
        access = self._access(dossier_id)
        with self.store.unit_of_work() as uow:
            return checklist.create_request(
                uow,
                principal,
                access,
                title,
                deliver_by,
                description,
                due_date,
                document_type,
            )

    @rpc
    def import_hdn_da(self, dossier_id, xml):
        """Staff of the dossier: an HDN document request (DA message, XML text) becomes
        or updates the dossier's requests (hdn_import.py). -> {application_number,
        created, updated, unchanged, requests}. HdnMessageInvalid,
        HdnVersionUnsupported, HdnApplicationMismatch name the element."""
        principal = self.caller.require("staff", write=True)
        principal.require_scope("requests:write")  # an office system's key
        access = self._access(dossier_id)
        message = hdn_da.parse_da(xml)
        with self.store.unit_of_work() as uow:
            return hdn_import.import_da(uow, principal, access, message)

    @timer(interval=validity.CHECK_INTERVAL_S)
    def expire_stale_deliveries(self):
        """Deliveries past their validity before the decision go back to the client."""
        with self.store.lease("expire_stale_deliveries") as held:
            if held:  # one instance at a time
                validity.expire_stale_deliveries(self.store)

    @rpc
    def list_requests(self, dossier_id, status=None, limit=50, cursor=None):
        """Staff: all; client: the items they deliver (never the lender's). -> {items,
        next_cursor}: a page, oldest first. ValidationFailed: cursor."""
        self.caller.require("staff", "client")
        access = self._access(dossier_id)
        with self.store.unit_of_work() as uow:
            return checklist.list_requests(uow, self.paging, access, status, limit, cursor)

    @rpc
    def review_request(self, request_id, decision, reason=None):
        """Staff: approve | reject (reason required). NothingToReview unless uploaded.
        Event request_reviewed (dossier tells the client of a rejection)."""
        principal = self.caller.require("staff", write=True)
        principal.require_scope("requests:write")  # an office system's key
        with self.store.unit_of_work() as uow:
            dossier_id = checklist.find_request(uow, request_id).dossier_id
        access = self._access(dossier_id)
        with self.store.unit_of_work() as uow:
            return checklist.review(uow, principal, access, request_id, decision, reason)

    @rpc
    def client_open_requests(self, limit=50, cursor=None):
        """Client: their actions of type document_request (open or rejected items).
        -> {items, next_cursor}: a page, oldest first."""
        principal = self.caller.require("client")
        mine = visible_dossier_ids(self.dossier)
        with self.store.unit_of_work() as uow:
            return checklist.open_for_client(uow, self.paging, principal, mine, limit, cursor)

    @rpc
    def count_client_open_requests(self):
        """Client: how many actions of type document_request they have (GET /home)."""
        self.caller.require("client")
        mine = visible_dossier_ids(self.dossier)
        with self.store.unit_of_work() as uow:
            return checklist.count_open_for_client(uow, mine)

    @rpc
    def lender_requests(self, status=None, limit=50, cursor=None):
        """Admin: the items the lender delivers, across offices. -> {items,
        next_cursor}: a page, oldest first."""
        self.caller.require("admin")
        with self.store.unit_of_work() as uow:
            return checklist.for_lender(uow, self.paging, status, limit, cursor)
