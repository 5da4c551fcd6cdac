"""Who may sign a dossier's document: the dossier's client, or an extra account of that
company, with an active portal account. Asked by signing when staff offer a document."""

from services.common.errors import Forbidden, NotFound

from .access import visible_dossier
from .exceptions import InvalidSigner, SignerHasNoAccount
from .models import Client, Office


def signer_for(uow, principal, dossier_id, signer_id):
    """Staff who see the dossier. -> {client_id, account_id, name, email, language,
    office_name, dossier_number}; InvalidSigner (not a client of this dossier),
    SignerHasNoAccount (not activated yet)."""
    if principal.kind != "staff":
        raise Forbidden()
    dossier, client = visible_dossier(uow, principal, dossier_id)
    signer = uow.session.get(Client, signer_id)
    if signer is None or signer.id != client.id and signer.parent_id != client.id:
        raise InvalidSigner()
    if not signer.account_id or signer.invitation_status != "accepted":
        raise SignerHasNoAccount()
    office = uow.session.get(Office, dossier.office_id)
    return {
        "client_id": signer.id,
        "account_id": signer.account_id,
        "name": signer.name,
        "email": signer.email,
        "language": signer.language,
        "office_name": office.name,
        "dossier_number": dossier.number,
    }


def dossier_facts(uow, dossier_id):
    """For signing's notices (as a service): the office's name and the dossier's number."""
    from .models import Dossier

    dossier = uow.session.get(Dossier, dossier_id)
    if dossier is None:
        raise NotFound()
    return {
        "office_name": uow.session.get(Office, dossier.office_id).name,
        "dossier_number": dossier.number,
    }
