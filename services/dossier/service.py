"""dossier: offices, clients and their consent, invitations, dossiers, staff tasks.

The service's entrypoints are grouped by feature in the `*_entrypoints.py` mixins, each
calling the use cases of its feature's module; its event handlers (identity's and
documents' events) are in subscriptions.py, its settings in settings.py."""

from services.common.rpc import TimedRpcProxy
from services.common.service import ServiceBase
from services.common.settings_dependency import Settings
from services.documents.client import BlobTransfer

from . import invitations
from .account_entrypoints import AccountEntrypoints
from .audit_entrypoints import AuditEntrypoints
from .client_entrypoints import ClientEntrypoints
from .dossier_entrypoints import DossierEntrypoints
from .invitation_entrypoints import InvitationEntrypoints
from .message_entrypoints import MessageEntrypoints
from .models import metadata
from .office_entrypoints import OfficeEntrypoints
from .portfolio_entrypoints import PortfolioEntrypoints
from .questionnaire_entrypoints import QuestionnaireEntrypoints
from .retention_entrypoints import RetentionEntrypoints
from .settings import DossierSettings
from .subscriptions import DossierStore, EventEntrypoints
from .task_entrypoints import TaskEntrypoints


class DossierService(
    AuditEntrypoints,
    EventEntrypoints,
    OfficeEntrypoints,
    ClientEntrypoints,
    InvitationEntrypoints,
    DossierEntrypoints,
    AccountEntrypoints,
    PortfolioEntrypoints,
    TaskEntrypoints,
    MessageEntrypoints,
    QuestionnaireEntrypoints,
    RetentionEntrypoints,
    ServiceBase,
):
    name = "dossier"
    store = DossierStore(  # clients' personal fields sealed (models.py, sealed_columns.py)
        metadata, handlers={"identity.account_activated": invitations.accept}, seals_fields=True
    )
    identity = TimedRpcProxy("identity", timeout=10, as_service=True)
    documents = TimedRpcProxy("documents", timeout=30)  # carries the caller's principal
    blobs = BlobTransfer()  # the questionnaires' PDFs to documents's blob endpoint
    documents_as_dossier = TimedRpcProxy("documents", timeout=30, as_service=True)
    signing_as_dossier = TimedRpcProxy("signing", timeout=30, as_service=True)  # erase_signer
    settings = Settings(DossierSettings)
