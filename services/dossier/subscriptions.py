"""What dossier hears from other services: their events, each taken through the inbox
(recorded once by event id, handled in its own transaction, retried with backoff and
parked after the last attempt; see services/common/store.py)."""

import eventlet
from nameko.events import event_handler

from services.common.settings import read_settings
from services.common.store import Store

from . import document_events
from .settings import DossierSettings


class DossierStore(Store):
    """dossier's Store. The handlers of documents' events also need the portal's public
    URL (the link in e-mails to clients), which only the container's config knows."""

    def setup(self):
        super().setup()
        public_url = read_settings(DossierSettings, self.container.config).public_url
        self.handlers = {**self.handlers, **document_events.handlers(public_url)}


class EventEntrypoints:
    """Mixed into DossierService (which declares `store`). One entrypoint per event type:
    each gets a durable queue of its own (services/common/topology.py declares them)."""

    def _take(self, source, event):
        try:
            self.store.accept(source, event)
        except Exception:
            eventlet.sleep(1)  # could not even record it: back to the queue, not lost
            raise

    @event_handler("identity", "account_activated", requeue_on_error=True)
    def handle_account_activated(self, event):
        """The client set a password: the invitation is accepted (contacts lock)."""
        self._take("identity.account_activated", event)

    @event_handler("documents", "document_uploaded", requeue_on_error=True)
    def handle_document_uploaded(self, event):
        """Audited (`document_uploaded`) and counted (document_facts.py). An upload for a
        request opens a `review_upload` task for the dossier's office, unless one is open
        for that request."""
        self._take("documents.document_uploaded", event)

    @event_handler("documents", "document_published", requeue_on_error=True)
    def handle_document_published(self, event):
        """The client can see a new document: e-mail `new_document` to each of the
        client's activated portal accounts (their `new_documents` preference applies)."""
        self._take("documents.document_published", event)

    @event_handler("documents", "document_visibility_changed", requeue_on_error=True)
    def handle_document_visibility_changed(self, event):
        """Audited: `document_shown` or `document_hidden`; the counts follow."""
        self._take("documents.document_visibility_changed", event)

    @event_handler("documents", "document_downloaded", requeue_on_error=True)
    def handle_document_downloaded(self, event):
        """Audited: `document_downloaded` (look-along sessions as the staff member); read
        for the reader in the counts (not for a look-along session)."""
        self._take("documents.document_downloaded", event)

    @event_handler("documents", "export_downloaded", requeue_on_error=True)
    def handle_export_downloaded(self, event):
        """Audited in the client's own trail: `export_downloaded`."""
        self._take("documents.export_downloaded", event)

    @event_handler("documents", "request_created", requeue_on_error=True)
    def handle_request_created(self, event):
        """Audited: `request_created`."""
        self._take("documents.request_created", event)

    @event_handler("documents", "request_reviewed", requeue_on_error=True)
    def handle_request_reviewed(self, event):
        """Audited (`request_approved` / `request_rejected`); the request's open tasks are
        done. A rejected delivery by the client: e-mail `request_rejected` to the client."""
        self._take("documents.request_reviewed", event)

    @event_handler("documents", "requests_updated_by_lender", requeue_on_error=True)
    def handle_requests_updated_by_lender(self, event):
        """An HDN document request added or changed items the client sees: audited
        (`requests_updated_by_lender`); e-mail `requests_updated` to the client."""
        self._take("documents.requests_updated_by_lender", event)
