"""The state machines of documents: a document request (the checklist's item) and an
upload (a transfer on its way to becoming a document)."""

from services.common.states import StateMachine

from .exceptions import NothingToReview, RequestClosed, UploadExpired


class RequestStates(StateMachine):
    """open -> uploaded -> approved | rejected; uploaded again (a further file, or after
    a rejection) until approved, which is final. An HDN item also takes the lender's
    word (hdn_import.py, not these transitions): provisional (voorlopig akkoord) and
    lapsed (vervallen) take no uploads and no review."""

    OPEN = "open"
    UPLOADED = "uploaded"
    APPROVED = "approved"
    REJECTED = "rejected"
    PROVISIONAL = "provisional"
    LAPSED = "lapsed"

    TRANSITIONS = {
        OPEN: frozenset({UPLOADED}),
        UPLOADED: frozenset({UPLOADED, APPROVED, REJECTED}),
        REJECTED: frozenset({UPLOADED}),
    }
    OPEN_FOR_CLIENT = (OPEN, REJECTED)  # the client still has to deliver

    @classmethod
    def refusal(cls, current: str, to: str) -> Exception:
        """An upload for an approved request: RequestClosed; a review of a request that
        is not `uploaded`: NothingToReview."""
        return RequestClosed() if to == cls.UPLOADED else NothingToReview()


class UploadStates(StateMachine):
    """ticket (may send bytes, once) -> receiving -> stored -> attached (a document's
    now), or failed; a message's attachment waits stored -> pending -> attached. Any
    state before attached may be discarded; attached and discarded are final."""

    TICKET = "ticket"
    RECEIVING = "receiving"
    STORED = "stored"
    FAILED = "failed"
    PENDING = "pending"
    ATTACHED = "attached"
    DISCARDED = "discarded"

    TRANSITIONS = {
        TICKET: frozenset({RECEIVING, DISCARDED}),
        RECEIVING: frozenset({STORED, FAILED, DISCARDED}),
        STORED: frozenset({ATTACHED, PENDING, DISCARDED}),
        FAILED: frozenset({DISCARDED}),
        PENDING: frozenset({ATTACHED, DISCARDED}),
    }
    IN_TRANSFER = (TICKET, RECEIVING)  # counted against MAX_OPEN_UPLOADS

    @classmethod
    def refusal(cls, current: str, to: str) -> Exception:
        return UploadExpired()
