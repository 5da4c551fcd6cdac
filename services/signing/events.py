"""The events signing emits on `signing.events` (services/common/events.py). Each
carries the envelope too: event_id, event_type, occurred_at, actor."""

from services.common.events import Event, event


@event("signature_requested")
class SignatureRequested(Event):
    """The office asked a client to sign a document."""

    signing_request_id: str
    document_id: str
    dossier_id: str
    office_id: str
    signer_client_id: str


@event("document_signed")
class DocumentSigned(Event):
    """The client signed; the signed copy is `signed_document_id`."""

    signing_request_id: str
    document_id: str
    signed_document_id: str
    dossier_id: str
    office_id: str


@event("signature_withdrawn")
class SignatureWithdrawn(Event):
    """The office withdrew a signing request."""

    signing_request_id: str
    dossier_id: str
    office_id: str


@event("signature_expired")
class SignatureExpired(Event):
    """A signing request ran out unsigned."""

    signing_request_id: str
    dossier_id: str
    office_id: str
