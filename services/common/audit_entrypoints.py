"""`AuditCheckpoints`, mixed into every service that keeps an audit trail (identity,
dossier; the service sets `audit_metadata` to its models' metadata): every
AUDIT_CHECKPOINT_INTERVAL_S one instance (a lease) signs a checkpoint of each stream
that moved since its last one; admins may ask for a round now; anyone may have the
public key. Each checkpoint is also written to the log: a copy outside the database."""

import logging

from nameko.timer import timer

from .audit_key import AuditKey, public_pem
from .audit_store import sign_moved_heads
from .logs import VERBATIM
from .service import rpc
from .settings import env_int

log = logging.getLogger(__name__)

CHECKPOINT_INTERVAL_S = env_int("AUDIT_CHECKPOINT_INTERVAL_S", 3600)
ROUND_LIMIT = 500  # streams signed per transaction


class AuditCheckpoints:
    audit_key = AuditKey()
    audit_metadata = None

    @timer(interval=CHECKPOINT_INTERVAL_S)
    def sign_audit_checkpoints(self):
        """One instance at a time: a checkpoint of every stream that moved."""
        with self.store.lease("audit_checkpoints") as held:
            if held:
                self._checkpoint_round()

    @rpc
    def checkpoint_audit(self):
        """Admin only: sign the checkpoints now. -> {signed: count}."""
        self.caller.require("admin")
        return {"signed": self._checkpoint_round()}

    @rpc
    def audit_public_key(self):
        """Anyone: the PEM of the platform's audit key (the public half)."""
        return public_pem(self.audit_key).decode("ascii")

    def _checkpoint_round(self):
        signed = ROUND_LIMIT
        total = 0
        while signed == ROUND_LIMIT:
            with self.store.unit_of_work() as uow:
                checkpoints = sign_moved_heads(
                    uow.session, self.audit_metadata, self.audit_key, ROUND_LIMIT
                )
            for checkpoint in checkpoints:
                log_checkpoint(checkpoint)
            signed = len(checkpoints)
            total += signed
        return total


def log_checkpoint(checkpoint):
    """The checkpoint in the log, exactly (not redacted: seq 123456 would read as a code
    and be masked): a copy outside the database to compare the stored one with."""
    log.info(
        "audit checkpoint %s seq %s hash %s at %s signature %s",
        *(checkpoint[k] for k in ("stream", "seq", "hash", "at", "signature")),
        extra={VERBATIM: True},
    )
