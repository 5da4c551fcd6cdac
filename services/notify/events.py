"""The events notify emits on `notify.events` (services/common/events.py). Each carries
the envelope too: event_id, event_type, occurred_at, actor (None: notify acts alone)."""
from services.common.events import Event, event


@event("notification_sent")
class NotificationSent(Event):
    """A notification was delivered."""
    notification_id: str
    template: str
    channel: str
    status: str
    attempts: int


@event("notification_failed")
class NotificationFailed(Event):
    """A notification could not be delivered and will not be tried again."""
    notification_id: str
    template: str
    channel: str
    status: str
    attempts: int
