"""dossier's entrypoints for messages (see messages.py). Mixed into DossierService."""


class MessageEntrypoints:
    pass
