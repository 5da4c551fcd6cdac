"""Errors dossier raises across the bus (their module path is part of the wire contract)."""

from services.common.errors import ClientErased, KluisError

# The client's data was erased at the end of retention (their field key destroyed):
# nothing personal is written for them again, nothing left to erase on request (410).
__all__ = ["ClientErased"]


class PartnerIdTaken(KluisError):
    code = "partner_id_taken"


class ClientExists(KluisError):
    """The office already has a client with this e-mail."""

    code = "client_exists"


class ContactLocked(KluisError):
    """E-mail and mobile are the portal account's once the invitation was accepted."""

    code = "contact_locked"


class InvitationAlreadyAccepted(KluisError):
    code = "invitation_already_accepted"


class DossierNumberTaken(KluisError):
    code = "dossier_number_taken"


class InvalidMobile(KluisError):
    code = "invalid_mobile"


class InvalidToken(KluisError):
    """An unknown activation link, or one that does not go with that e-mail."""

    code = "invalid_token"


class TokenExpired(KluisError):
    code = "token_expired"


class NotInvited(KluisError):
    """The client has no portal account (yet)."""

    code = "not_invited"


class InvalidSigner(KluisError):
    """Only the dossier's client (or an extra account of that company) can sign."""

    code = "invalid_signer"


class SignerHasNoAccount(KluisError):
    """The signer has not activated a portal account yet."""

    code = "signer_has_no_account"


class QuestionnaireCompleted(KluisError):
    """A completed questionnaire is frozen: no saving, no second completion."""

    code = "questionnaire_completed"


class QuestionnaireIncomplete(KluisError):
    """details: {"missing": {page number (from 1): [keys of required questions]}}"""

    code = "questionnaire_incomplete"


class CompanyRequired(KluisError):
    """The caller is the main account of more than one company: name one (`company_id`).
    details: {"companies": [{id, name, office_id, office_name}]}"""

    code = "company_required"


class QuestionnaireTooLarge(KluisError):
    """Its PDF would be beyond the budget (pages, time or memory): details {max_pages,
    timeout_s}. The questionnaire stays open; shorter answers can complete it."""

    code = "questionnaire_too_large"
