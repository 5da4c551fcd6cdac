"""signing: signing requests, signatures and their evidence, the platform's sealing
key, and the check of signed PDFs that anyone may send (verification.py). File bytes
come from and go to documents over its blob endpoint, and reach the verify endpoint
(this service's own HTTP port, SIGNING_VERIFY_ADDRESS) from the gateway: never the bus."""

from nameko.timer import timer

from services.common.rpc import TimedRpcProxy
from services.common.service import ServiceBase, rpc
from services.common.settings_dependency import Settings
from services.common.store import Store
from services.common.web_server import pooled_http
from services.documents.client import BlobTransfer

from . import (
    access,
    erasure,
    field_backfill,
    offering,
    offers,
    signature,
    signing_flow,
    verification,
)
from .dependencies import PlatformKey
from .documents_link import DocumentsLink
from .models import metadata
from .settings import BACKFILL_INTERVAL_S, CHECK_INTERVAL_S, SigningSettings, VerifyBudget


class SigningService(ServiceBase):
    name = "signing"
    store = Store(metadata, seals_fields=True)  # the signer's fields: models.py
    platform = PlatformKey()
    settings = Settings(SigningSettings)
    verify_budget = Settings(VerifyBudget)
    documents = TimedRpcProxy("documents", timeout=30)  # with the caller's principal
    documents_as_signing = TimedRpcProxy("documents", timeout=30, as_service=True)
    dossier = TimedRpcProxy("dossier", timeout=10)
    blobs = BlobTransfer()  # originals from, signed copies to documents's blob endpoint

    def _visible_dossier_ids(self, principal):
        return access.visible_dossier_ids(self.dossier, principal)

    def _check_consent(self, principal, request_id):
        """Staff (and a look-along session) see a request while they may see its dossier
        (consent), else NotFound (access.py)."""
        access.check_consent(self.store, self.dossier, principal, request_id)

    @rpc
    def offer_for_signature(self, document_id, signer_id):
        """Staff: a PDF of the dossier offered to `signer_id` (a client of the dossier).
        The document becomes visible to the signer. -> {id, status: "pending", ...}.
        NotAPdf, InvalidSigner, SignerHasNoAccount, NotFound. Event signature_requested."""
        principal = self.caller.require("staff", write=True)
        principal.require_scope("documents:write")  # an office system's key
        return offering.offer_for_signature(
            self.store,
            self.documents,
            self.dossier,
            principal,
            document_id,
            signer_id,
            self.settings,
        )

    @rpc
    def list_signing_requests(self, status=None, limit=50, cursor=None):
        """Client: their own; staff: their offices'. Consent applies to staff and to a
        look-along session. -> {items, next_cursor}: a page, newest first."""
        principal = self.caller.require("client", "staff")
        dossier_ids = self._visible_dossier_ids(principal)
        with self.store.unit_of_work() as uow:
            return offers.list_for(uow, self.paging, principal, status, dossier_ids, limit, cursor)

    @rpc
    def pending_signatures(self, limit=50, cursor=None):
        """Client: their actions of type signature. -> {items, next_cursor}: a page,
        oldest first."""
        principal = self.caller.require("client")
        dossier_ids = self._visible_dossier_ids(principal)
        with self.store.unit_of_work() as uow:
            return offers.pending_actions(uow, self.paging, principal, dossier_ids, limit, cursor)

    @rpc
    def count_pending_signatures(self):
        """Client: how many actions of type signature they have (GET /home)."""
        principal = self.caller.require("client")
        dossier_ids = self._visible_dossier_ids(principal)
        with self.store.unit_of_work() as uow:
            return offers.count_pending(uow, principal, dossier_ids)

    @rpc
    def withdraw_signing_request(self, request_id):
        principal = self.caller.require("staff", write=True)
        self._check_consent(principal, request_id)
        with self.store.unit_of_work() as uow:
            return offers.withdraw(uow, principal, request_id)

    @rpc
    def sign(self, request_id, full_name, agree):
        """The signer: -> {status: "signed", signed_document_id}. NameMismatch,
        AgreementRequired, AlreadySigned, SigningRequestClosed, DocumentChanged."""
        principal = self.caller.require("client", write=True)
        documents = DocumentsLink(self.documents, self.documents_as_signing, self.blobs)
        return signing_flow.sign(
            self.store, documents, self.platform, principal, request_id, full_name, agree
        )

    @rpc
    def get_signing_request(self, request_id):
        """The signer's own request, or one of the offices' (while staff may see its
        dossier); else NotFound."""
        principal = self.caller.require("client", "staff")
        self._check_consent(principal, request_id)
        with self.store.unit_of_work() as uow:
            return offers.describe(access.visible_request(uow, principal, request_id))

    @rpc
    def signing_evidence(self, request_id):
        """The signer or staff of the office: {document_sha256, signed_document_sha256,
        signer, signed_at, ip, user_agent, auth, seal}; NotFound before it is signed."""
        principal = self.caller.require("client", "staff")
        self._check_consent(principal, request_id)
        with self.store.unit_of_work() as uow:
            return signature.evidence_view(access.visible_request(uow, principal, request_id))

    @rpc
    def erase_signer(self, client_id):
        """dossier only (as a service), when the client's retention has run out: the
        client's field key is destroyed and their name, e-mail address and evidence on
        every signing request blanked (erasure.py); pending ones expire. Idempotent.
        -> {key_destroyed, requests}."""
        self.caller.require_service("dossier")
        with self.store.unit_of_work() as uow:
            return erasure.erase_signer(uow, str(client_id))

    @rpc
    def begin_verification(self, source_ip=None):
        """Anyone (the gateway, for POST /signatures/verify): -> {verification_id, ticket}
        to send one file to the verify endpoint. RateLimited after VERIFY_RATE_BURST
        requests per VERIFY_RATE_PER_S seconds from `source_ip`."""
        with self.store.unit_of_work() as uow:
            return verification.begin(uow, self.settings.verify_rate, source_ip)

    @pooled_http("POST", "/verifications/<verification_id>")
    def receive_verification(self, request, verification_id):
        """The file of one verification, streamed by the gateway (with its ticket);
        checked within the budget, off this service's event loop, by a worker of this
        endpoint's own pool (never one an RPC needs), on the hardened HTTP server
        (services/common/web_server.py). -> the verdict."""
        return verification.receive(
            self.store,
            request,
            verification_id,
            self.verify_budget,
            self.platform.root_pem,
        )

    @timer(interval=BACKFILL_INTERVAL_S, eager=True)
    def backfill_sealed_fields(self):
        """Until done, once per deployment: the personal fields written before they were
        sealed get sealed (field_backfill.py)."""
        field_backfill.SEALING.round(self.store)

    @timer(interval=300)
    def sweep_verifications(self):
        with self.store.lease("sweep_verifications") as held:
            if held:  # one instance at a time
                with self.store.unit_of_work() as uow:
                    verification.sweep(uow)

    @rpc
    def platform_root(self):
        """Anyone: the certificate that signed PDFs chain to (public), PEM."""
        return {"root_pem": self.platform.root_pem.decode()}

    @timer(interval=CHECK_INTERVAL_S)
    def expire_and_remind(self):
        """Pending requests past their time expire; those close to it get one reminder.
        One instance at a time (its lease); each request's status and `reminded_at`,
        read after the previous round committed, make each happen once."""
        with self.store.lease("expire_and_remind") as held:
            if held:
                with self.store.unit_of_work() as uow:
                    offers.expire_and_remind(
                        uow, self.settings.reminder_before, self.settings.public_url
                    )
