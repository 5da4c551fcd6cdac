"""The events dossier emits on `dossier.events` (services/common/events.py). Each
carries the envelope too: event_id, event_type, occurred_at, actor. Consumers: the
gateway's principal cache (consent_changed, client_unlinked: gateway/principals.py)."""

from services.common.events import Event, event


@event("office_created")
class OfficeCreated(Event):
    """A new office, known by its partner id."""

    office_id: str
    partner_id: str


@event("client_created")
class ClientCreated(Event):
    """An office took on a new client."""

    client_id: str
    office_id: str


@event("client_invited")
class ClientInvited(Event):
    """The client was invited to the portal (an e-mail with an activation link)."""

    client_id: str
    office_id: str


@event("invitation_accepted")
class InvitationAccepted(Event):
    """The client's portal account is the client record's: a new account activated, or
    an existing one that accepted the office's link request."""

    client_id: str
    office_id: str
    account_id: str


@event("client_unlinked")
class ClientUnlinked(Event):
    """A portal account no longer belongs to the client."""

    client_id: str
    office_id: str
    account_id: str


@event("consent_changed")
class ConsentChanged(Event):
    """The client shared its data with the office, or stopped sharing it."""

    account_id: str
    office_id: str
    shared: bool


@event("dossier_opened")
class DossierOpened(Event):
    """A new dossier for a client."""

    dossier_id: str
    client_id: str
    office_id: str


@event("message_posted")
class MessagePosted(Event):
    """A message was posted in a dossier's conversation."""

    message_id: str
    dossier_id: str
    office_id: str
    client_id: str
    thread_id: str
    reply_to: str | None
    sender_kind: str
    attachment_ids: list[str]


@event("questionnaire_assigned")
class QuestionnaireAssigned(Event):
    """A questionnaire was given to the client to fill in."""

    questionnaire_id: str
    dossier_id: str
    client_id: str
    office_id: str
    title: str


@event("questionnaire_completed")
class QuestionnaireCompleted(Event):
    """The client completed a questionnaire; its answers are filed as `document_id`."""

    questionnaire_id: str
    dossier_id: str
    client_id: str
    office_id: str
    document_id: str | None
