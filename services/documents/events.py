"""The events documents emits on `documents.events` (services/common/events.py). Each
carries the envelope too: event_id, event_type, occurred_at, actor. Consumer: dossier
(audit trail, counts, tasks, e-mail to the client: services/dossier/document_events.py).
Who acted: `actor` in the envelope, `actor_kind` and `looked_along_by` (a look-along
session) in the event."""

from services.common.events import Event, event

# Who acted and whether the client may know: dossier reads these with defaults
# (services/dossier/audit.py), so an event without them (older, or hand-made) is still read.
ACTOR_FIELDS = frozenset({"client_visible", "actor_kind", "looked_along_by"})


@event("document_uploaded")
class DocumentUploaded(Event):
    """A document's bytes arrived and it was filed (for a request, or not)."""

    added_later = ACTOR_FIELDS

    document_id: str
    dossier_id: str
    office_id: str
    client_id: str
    request_id: str | None
    category: str
    name: str
    public: bool
    client_visible: bool
    actor_kind: str | None
    looked_along_by: str | None


@event("document_published")
class DocumentPublished(Event):
    """The client can see a new document."""

    document_id: str
    dossier_id: str
    office_id: str
    client_id: str
    title: str


@event("document_downloaded")
class DocumentDownloaded(Event):
    """Someone downloaded a document."""

    added_later = ACTOR_FIELDS

    document_id: str
    dossier_id: str
    office_id: str
    client_id: str
    client_visible: bool
    actor_kind: str | None
    looked_along_by: str | None


@event("document_visibility_changed")
class DocumentVisibilityChanged(Event):
    """A document was shown to the client or hidden from it (`public`)."""

    added_later = ACTOR_FIELDS | {"category", "uploaded_by"}  # older events lack them
    document_id: str
    dossier_id: str
    office_id: str
    client_id: str
    public: bool
    client_visible: bool
    category: str
    uploaded_by: str
    actor_kind: str | None
    looked_along_by: str | None


@event("request_created")
class RequestCreated(Event):
    """A document request was added to a dossier's checklist."""

    added_later = ACTOR_FIELDS

    request_id: str
    dossier_id: str
    office_id: str
    client_id: str
    title: str
    deliver_by: str
    client_visible: bool
    actor_kind: str | None
    looked_along_by: str | None


@event("request_reviewed")
class RequestReviewed(Event):
    """The office approved or rejected (`decision`) what was delivered for a request."""

    added_later = ACTOR_FIELDS | {"reason"}

    request_id: str
    dossier_id: str
    office_id: str
    client_id: str
    title: str
    deliver_by: str
    decision: str
    reason: str | None
    client_visible: bool
    actor_kind: str | None
    looked_along_by: str | None


@event("export_downloaded")
class ExportDownloaded(Event):
    """A client downloaded the export of their own data (AVG art. 15 and 20): for their
    own audit trail (dossier)."""

    export_id: str
    account_id: str


@event("requests_updated_by_lender")
class RequestsUpdatedByLender(Event):
    """An HDN document request (DA) added items the client sees, or changed the lender's
    status of some. `changes`: [{request_id, title, lender_status, status}], only items
    the client sees (never the lender's own)."""

    request_ids: list[str]
    dossier_id: str
    office_id: str
    client_id: str
    changes: list[dict]
    actor_kind: str | None
    looked_along_by: str | None
