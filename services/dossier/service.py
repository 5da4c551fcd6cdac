"""dossier: answers its health RPC; its real work arrives with its own issue."""
from services.common.service import ServiceBase
from services.common.store import Store

from .models import metadata


class DossierService(ServiceBase):
    name = "dossier"
    store = Store(metadata)
