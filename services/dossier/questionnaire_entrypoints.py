"""dossier's entrypoints for questionnaires (see questionnaires.py). Mixed into
DossierService, which declares `caller`, `store`, `settings`, `documents`, `blobs` and
`paging`."""

import re
from functools import partial

from services.common.service import rpc

from . import questionnaire_rendering, questionnaires


class QuestionnaireEntrypoints:
    @rpc
    def create_questionnaire_template(self, title, pages, office_id=None):
        """Staff: a template of pages of typed questions for one of their offices
        (`office_id` may be left out by staff of one office; another office: NotFound).
        -> {id, office_id, title, pages, created_at}; ValidationFailed naming each fault
        by its path (rules in questionnaire_rules.check_template)."""
        principal = self.caller.require("staff", write=True)
        with self.store.unit_of_work() as uow:
            return questionnaires.create_template(uow, principal, title, pages, office_id)

    @rpc
    def list_questionnaire_templates(self, office_id=None, limit=50, cursor=None):
        """Staff: their offices' templates (or the given office's). -> {items,
        next_cursor}: a page, newest first."""
        principal = self.caller.require("staff")
        with self.store.unit_of_work() as uow:
            return questionnaires.list_templates(
                uow, self.paging, principal, office_id, limit, cursor
            )

    @rpc
    def assign_questionnaire(self, dossier_id, template_id):
        """Staff who see the dossier: the template (of the dossier's office, else
        NotFound) is copied into an open questionnaire, an action for the client, who
        gets an e-mail (`new_questionnaire`). -> the questionnaire. Event
        `questionnaire_assigned`."""
        principal = self.caller.require("staff", write=True)
        with self.store.unit_of_work() as uow:
            return questionnaires.assign(
                uow, principal, dossier_id, template_id, self.settings.public_url
            )

    @rpc
    def list_questionnaires(self, dossier_id, limit=50, cursor=None):
        """The client and staff who see the dossier: its questionnaires, without pages
        and answers. -> {items, next_cursor}: a page, newest first."""
        principal = self.caller.require("staff", "client")
        with self.store.unit_of_work() as uow:
            return questionnaires.list_for_dossier(
                uow, self.paging, principal, dossier_id, limit, cursor
            )

    @rpc
    def get_questionnaire(self, questionnaire_id):
        """The client and staff who see its dossier: -> {id, dossier_id, template_id,
        title, pages, answers, status (open|completed), document_id, created_at,
        completed_at}; NotFound for anyone else."""
        principal = self.caller.require("staff", "client")
        with self.store.unit_of_work() as uow:
            return questionnaires.get(uow, principal, questionnaire_id)

    @rpc
    def save_questionnaire_page(self, questionnaire_id, number, answers):
        """The client: checks page `number`'s answers (from 1; another page: NotFound)
        and saves them in place of that page's earlier ones. -> the questionnaire;
        ValidationFailed {"answers": {key: [...]}}; QuestionnaireCompleted; staff:
        Forbidden; a look-along session: ReadOnlySession."""
        principal = self.caller.require("client", write=True)
        with self.store.unit_of_work() as uow:
            return questionnaires.save_page(uow, principal, questionnaire_id, number, answers)

    @rpc
    def complete_questionnaire(self, questionnaire_id):
        """The client: every required question answered (else QuestionnaireIncomplete),
        the answers become a PDF filed under the client's `delivered_by_me`, and the
        questionnaire is completed. -> {document_id}; QuestionnaireCompleted when it
        was; QuestionnaireTooLarge (still open) when its PDF is beyond the budget. Event `questionnaire_completed`. No transaction is held while the PDF is
        made and filed; should marking fail after filing, completing again files a
        second PDF (and then completes), so it never stays open for that reason."""
        principal = self.caller.require("client", write=True)
        with self.store.unit_of_work() as uow:
            filing = questionnaires.prepare_completion(uow, principal, questionnaire_id)
        document_id = self._file_questionnaire_pdf(filing)
        with self.store.unit_of_work() as uow:
            return questionnaires.mark_completed(
                uow, principal, questionnaire_id, filing["answers"], document_id
            )

    def _file_questionnaire_pdf(self, filing):
        """Render the PDF (within the budget, in a child process) and file it in
        documents with the client's own principal (the bytes go to the blob endpoint,
        never over the bus). -> the document id; QuestionnaireTooLarge."""
        budget = questionnaire_rendering.Budget.from_settings(self.settings)
        file_name = re.sub(r"[/\\]", "-", filing["title"]) + ".pdf"
        with questionnaire_rendering.rendered(filing["pdf"], budget) as pdf_path:
            document = self.blobs.upload(
                partial(self.documents.begin_delivery_upload, filing["dossier_id"]),
                questionnaire_rendering.chunks(pdf_path),
                partial(self.documents.finish_upload, file_name=file_name, title=filing["title"]),
            )
        return document["id"]
