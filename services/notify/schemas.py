"""The RPC arguments notify checks itself (the gateway checks them first with its own
schemas; these hold for every other caller too). Apply one with `services.common.schemas.load`."""

from marshmallow import Schema

from services.common.schemas import StrictBool


class PreferenceChanges(Schema):
    """A client's news preferences to change (preferences.TOPICS): each one left out
    stays as it is; a field that is not a topic is refused."""

    new_documents = StrictBool()
    questionnaires = StrictBool()
    messages = StrictBool()
