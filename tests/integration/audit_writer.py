"""One writer of dossier audit entries, as an instance of the service would write them:
`python -m tests.integration.audit_writer URL GO_FILE COUNT DOSSIER_ID [reversed]`. It
waits for GO_FILE (so that the writers start together), then commits COUNT entries one
transaction each, every third one with a second entry for the dossier's client (added
before the dossier's entry when `reversed`: two streams, taken in either order)."""

import sys
import time
from pathlib import Path

from sqlalchemy.orm import Session

from services.common.db import make_engine, new_id, utcnow
from services.dossier.models import AuditEntry


def entry(**where):
    return AuditEntry(
        id=new_id(), at=utcnow(), action="dossier_viewed", object_type="dossier",
        object_id=new_id(), **where,
    )  # fmt: skip


def main(url, go_file, count, dossier_id, order="forward"):
    engine = make_engine(url)
    deadline = time.monotonic() + 30
    while not Path(go_file).exists() and time.monotonic() < deadline:
        time.sleep(0.01)
    for number in range(int(count)):
        with Session(engine) as session:
            entries = [entry(dossier_id=dossier_id, client_id="c-1")]
            if number % 3 == 0:
                entries.append(entry(client_id="c-1"))
            session.add_all(entries[::-1] if order == "reversed" else entries)
            session.commit()
    engine.dispose()


if __name__ == "__main__":
    main(*sys.argv[1:])
