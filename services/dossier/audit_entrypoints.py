"""dossier's audit chain entrypoints: checkpoints (services/common/audit_entrypoints.py)
and the signed exports of a dossier's and a client's trail (audit_export.py). Mixed
into DossierService."""

from services.common.audit_entrypoints import AuditCheckpoints
from services.common.service import rpc

from . import audit_export
from .models import metadata


class AuditEntrypoints(AuditCheckpoints):
    audit_metadata = metadata

    @rpc
    def export_dossier_audit(self, dossier_id):
        """Staff who see the dossier: its signed trail (audit_export.py); NotFound."""
        principal = self.caller.require("staff")
        with self.store.unit_of_work() as uow:
            return audit_export.dossier_export(uow, principal, self.audit_key, dossier_id)

    @rpc
    def export_my_audit(self):
        """Client acting for themself (a look-along session is ReadOnlySession, as for
        the data export): the signed trail of their own data (audit_export.py)."""
        principal = self.caller.require("client", write=True)
        with self.store.unit_of_work() as uow:
            return audit_export.client_export(uow, principal, self.audit_key)
