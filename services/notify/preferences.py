"""Client preferences for news by e-mail: new documents, questionnaires, messages
(default all on). Security messages (codes, resets, lockouts, activation) ignore them."""

from services.common.db import utcnow
from services.identity.events import AccountLanguageChanged

from .models import Preference

TOPICS = ("new_documents", "questionnaires", "messages")
# The news that a client may turn off; every other template is always sent.
TOPIC_OF_TEMPLATE = {
    "new_document": "new_documents",
    "new_questionnaire": "questionnaires",
    "new_message": "messages",
}


def preferences_of(uow, account_id):
    row = uow.session.get(Preference, account_id)
    return {topic: getattr(row, topic) if row else True for topic in TOPICS}


def language_of(uow, account_id):
    """The language the account chose (None: not known here, use the sender's)."""
    row = uow.session.get(Preference, account_id) if account_id else None
    return row.language if row else None


def record_language(uow, event):
    """Inbox handler of identity's `account_language_changed`: {account_id, language}."""
    event = AccountLanguageChanged.load(event)
    _row(uow, event["account_id"]).language = event["language"]


def _row(uow, account_id):
    row = uow.session.get(Preference, account_id, with_for_update=True)
    if row is None:
        row = Preference(account_id=account_id, **{topic: True for topic in TOPICS})
        uow.session.add(row)
    row.updated_at = utcnow()
    return row


def set_preferences(uow, account_id, changes):
    row = _row(uow, account_id)
    for topic in TOPICS:
        if topic in changes:
            setattr(row, topic, changes[topic])
    uow.session.flush()
    return preferences_of(uow, account_id)
