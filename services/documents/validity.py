"""How long a delivered document stays good: a small table of document types with their
validity periods, used by HDN items (their SoortDocument code, hdn_codes.py) and by any
request made with a `document_type`.

What a client delivered for such a request goes stale when the period has passed since
the delivery (`delivered_at`) and the request is still waiting for the decision
(`uploaded`): the sweep (`expire_stale_deliveries`, a timer of documents, one instance
at a time under a lease) puts the request back to the client, rejected with the reason,
and emits `request_reviewed` so the client hears it by e-mail as of any rejection.

The table is `DEFAULT_VALIDITY`; `DOCUMENT_VALIDITY` in the environment changes the
periods of its types: `payslip=1m,valuation_report=30d` (m months, d days, s seconds -
seconds only make sense in tests). The types themselves are part of the API (the
gateway's RequestBody lists them)."""

import os
import re
from datetime import datetime
from functools import cache

from dateutil.relativedelta import relativedelta
from sqlalchemy import select

from services.common.db import utcnow
from services.common.settings import env_int

from .models import DocumentRequest, locked
from .request_events import announce_reviewed
from .states import RequestStates

DEFAULT_VALIDITY = {
    "payslip": "3m",  # loonstrook
    "employer_statement": "3m",  # werkgeversverklaring
    "valuation_report": "6m",  # taxatierapport
    "structural_survey": "12m",  # bouwkundig rapport
}
CHECK_INTERVAL_S = env_int("DOCUMENT_VALIDITY_CHECK_INTERVAL_S", 600)  # read at import: @timer
SWEEP_BATCH = 200
_PERIOD = re.compile(r"^(\d{1,4})([mds])$")
_UNITS = {"m": "months", "d": "days", "s": "seconds"}


def parse_table(text):
    """`type=period,...` -> {type: relativedelta}; ValueError naming a bad entry (an
    unknown type too)."""
    table = {}
    for entry in filter(None, (part.strip() for part in (text or "").split(","))):
        name, _, period = entry.partition("=")
        match = _PERIOD.match(period.strip())
        if name.strip() not in DEFAULT_VALIDITY or not match:
            raise ValueError(f"DOCUMENT_VALIDITY: {entry!r} is not <known type>=<n>m|d|s")
        table[name.strip()] = relativedelta(**{_UNITS[match[2]]: int(match[1])})
    return table


@cache
def validity_table():
    """The built-in table with the environment's changes, read once."""
    defaults = ",".join(f"{k}={v}" for k, v in DEFAULT_VALIDITY.items())
    return parse_table(defaults) | parse_table(os.environ.get("DOCUMENT_VALIDITY"))


def document_types():
    return tuple(sorted(validity_table()))


def valid_until(item: DocumentRequest) -> datetime | None:
    """When what was delivered for `item` goes stale (None: no known type, or nothing
    delivered yet)."""
    period = validity_table().get(item.document_type or "")
    if period is None or item.delivered_at is None:
        return None
    return item.delivered_at + period


def expire_stale_deliveries(store):
    """One round of the sweep: every waiting delivery past its validity goes back to the
    client. Guarded by the rows' state (a rejected request is not `uploaded`), so a
    second instance's round finds nothing to do. -> how many went back."""
    now, count = utcnow(), 0
    for name, period in validity_table().items():
        with store.unit_of_work() as uow:
            stale = uow.session.scalars(
                select(DocumentRequest)
                .where(
                    DocumentRequest.status == RequestStates.UPLOADED,
                    DocumentRequest.document_type == name,
                    DocumentRequest.delivered_at <= now - period,
                )
                .limit(SWEEP_BATCH)
                .with_for_update(**locked(DocumentRequest))
            ).all()
            for item in stale:
                _send_back(uow, item, now)
            count += len(stale)
    return count


def stale_reason(item):
    until = valid_until(item)
    day = until.date().isoformat() if until else ""
    return (
        f"Verlopen: het document was geldig tot {day}; lever een recent exemplaar aan. / "
        f"Expired: the document was valid until {day}; please deliver a recent one."
    )


def _send_back(uow, item, now):
    reason = stale_reason(item)
    RequestStates.move(item, RequestStates.REJECTED)
    item.reason, item.reviewed_by, item.reviewed_at, item.updated_at = reason, None, now, now
    system = {"actor_kind": "system", "looked_along_by": None}
    announce_reviewed(uow, item, "reject", reason, system, actor=None)


validity_table()  # read at import: a bad DOCUMENT_VALIDITY stops documents at start
