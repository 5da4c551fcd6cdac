"""signing: signing requests, signatures and their evidence, the platform's sealing
key, and the check of signed PDFs that anyone may send (verification.py). File bytes
come from and go to documents over its blob endpoint, and reach the verify endpoint
(this service's own HTTP port, SIGNING_VERIFY_ADDRESS) from the gateway: never the bus."""

from datetime import timedelta
from functools import partial

from nameko.dependency_providers import Config
from nameko.extensions import DependencyProvider
from nameko.timer import timer

from services.common.errors import NotFound
from services.common.rpc import TimedRpcProxy
from services.common.service import ServiceBase, rpc
from services.common.settings import env_int, kluis_var
from services.common.store import Store
from services.common.web_server import pooled_http
from services.documents.client import BlobTransfer

from . import access, offers, signature, verification
from .exceptions import DocumentChanged, NotAPdf
from .models import metadata
from .platform_key import load_or_create

MAX_PDF_BYTES = 100 * 1024 * 1024
CHECK_INTERVAL_S = env_int("SIGNING_CHECK_INTERVAL_S", 30)  # expiry and reminders


class PlatformKey(DependencyProvider):
    """The platform's signing identity: SIGNING_KEY_FILE / SIGNING_CERT_FILE /
    SIGNING_CHAIN_FILE, else one made on first start under $KLUIS_VAR/keys."""

    def setup(self):
        config = self.container.config
        self.identity = load_or_create(
            kluis_var(),
            config.get("SIGNING_KEY_FILE") or None,
            config.get("SIGNING_CERT_FILE") or None,
            config.get("SIGNING_CHAIN_FILE") or None,
        )

    def get_dependency(self, worker_ctx):
        return self.identity


class SigningService(ServiceBase):
    name = "signing"
    store = Store(metadata)
    platform = PlatformKey()
    config = Config()
    documents = TimedRpcProxy("documents", timeout=30)  # with the caller's principal
    documents_as_signing = TimedRpcProxy("documents", timeout=30, as_service=True)
    dossier = TimedRpcProxy("dossier", timeout=10)
    blobs = BlobTransfer()  # originals from, signed copies to documents's blob endpoint

    def _setting(self, name, default):
        return float(self.config.get(name) or default)

    def _public_url(self):
        return (self.config.get("KLUIS_PUBLIC_URL") or "").rstrip("/")

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
        document = self.documents.describe_document(document_id)
        if document["content_type"] != "application/pdf":
            raise NotAPdf()
        signer = self.dossier.signer_for(document["dossier_id"], signer_id)
        if not document["public"]:
            self.documents.set_document_visibility(document_id, True)
        ttl = timedelta(seconds=self._setting("SIGNING_REQUEST_TTL_S", 14 * 86400))
        with self.store.unit_of_work() as uow:
            return offers.offer(uow, principal, document, signer, ttl, self._public_url())

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
        with self.store.unit_of_work() as uow:
            attempt = signature.begin(uow, principal, request_id, full_name, agree)
        try:
            filed = self._sign_and_file(principal, attempt)
            with self.store.unit_of_work() as uow:
                return signature.finish(
                    uow, principal, request_id, attempt["attempt"], *filed, self.platform
                )
        except BaseException:
            with self.store.unit_of_work() as uow:
                signature.abandon(uow, request_id, attempt["attempt"])
            raise

    def _sign_and_file(self, principal, attempt):
        original = self._fetch(attempt["document_id"])
        if signature.sha256(original) != attempt["document_sha256"]:
            raise DocumentChanged()
        evidence = signature.evidence_of(attempt, principal, self.platform)
        signed = signature.make_signed_pdf(original, evidence, self.platform, attempt["language"])
        suffix = "ondertekend" if attempt["language"] == "nl" else "signed"
        document = self.blobs.upload(
            partial(self.documents.begin_delivery_upload, attempt["dossier_id"]),
            signed,
            partial(
                self.documents.finish_upload,
                file_name=f"{attempt['title']} ({suffix}).pdf",
                title=f"{attempt['title']} ({suffix})",
            ),
        )
        for document_id in (attempt["document_id"], document["id"]):
            self.documents_as_signing.lock_document(document_id)
        return evidence, document["id"], signature.sha256(signed)

    def _fetch(self, document_id):
        """The exact bytes offered (bounded), while the signer may still see them. The
        fetch is signing's own: it is not the signer's download."""
        self.documents.describe_document(document_id)  # NotFound once hidden from them
        upstream = self.blobs.download(self.documents_as_signing.open_service_download(document_id))
        data = bytearray()
        try:
            for chunk in upstream.iter_content(256 * 1024):
                data += chunk
                if len(data) > MAX_PDF_BYTES:
                    raise NotAPdf()
        finally:
            upstream.close()
        return bytes(data)

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
            view = signature.evidence_view(access.visible_request(uow, principal, request_id))
        if view is None:
            raise NotFound()
        return view

    @rpc
    def begin_verification(self, source_ip=None):
        """Anyone (the gateway, for POST /signatures/verify): -> {verification_id, ticket}
        to send one file to the verify endpoint. RateLimited after VERIFY_RATE_BURST
        requests per VERIFY_RATE_PER_S seconds from `source_ip`."""
        limit = verification.PER_ADDRESS.scaled(
            self.config.get("VERIFY_RATE_BURST"), self.config.get("VERIFY_RATE_PER_S")
        )
        with self.store.unit_of_work() as uow:
            return verification.begin(uow, limit, source_ip)

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
            verification.Settings.from_config(self.config),
            self.platform.root_pem,
        )

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
        before = timedelta(seconds=self._setting("SIGNING_REMINDER_BEFORE_S", 3 * 86400))
        with self.store.lease("expire_and_remind") as held:
            if held:
                with self.store.unit_of_work() as uow:
                    offers.expire_and_remind(uow, before, self._public_url())
