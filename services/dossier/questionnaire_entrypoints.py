"""dossier's entrypoints for questionnaires (see questionnaires.py). Mixed into
DossierService."""


class QuestionnaireEntrypoints:
    pass
