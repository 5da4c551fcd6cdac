"""notify's errors. Neither crosses the bus: a failed delivery is recorded on the
notification (its status), an unknown template parks the command that named it."""


class DeliveryFailed(Exception):
    """A provider did not take a message (delivery.py); `status` is the one the
    notification gets."""

    def __init__(self, status, reason):
        super().__init__(status, reason)
        self.status = status  # temporary-failure | permanent-failure | technical-failure
        self.reason = reason


class UnknownTemplate(Exception):
    """No template of that name, or not in that language (templates.py)."""
