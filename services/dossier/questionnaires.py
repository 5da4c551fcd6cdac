"""Questionnaires: an office's templates, and their copies assigned to a dossier, which
the client fills in page by page and completes into a PDF (filed in documents).

Visibility follows the dossier (access.visible_dossier): staff see the questionnaires
of the dossiers they may see, a client those of their own dossiers; anyone else gets
NotFound. Only the client fills in. open -> completed, and then it is frozen."""

from sqlalchemy import and_, func, select

from services.common.db import new_id, utcnow
from services.common.errors import Forbidden, NotFound, ValidationFailed
from services.common.paging import asc, desc

from . import audit, events
from . import questionnaire_rules as rules
from .access import own_client_ids, visible_dossier
from .client_news import notify_client
from .exceptions import QuestionnaireCompleted, QuestionnaireIncomplete
from .models import Office, Questionnaire, QuestionnaireTemplate


# -- templates -----------------------------------------------------------------------------
def create_template(uow, principal, title, pages, office_id=None):
    """Staff: a template for one of their offices (`office_id`; may be left out by
    staff of one office). Rules: questionnaire_rules.check_template."""
    office_id = _own_office(uow, principal, office_id)
    title, pages = rules.check_template(title, pages)
    template = QuestionnaireTemplate(
        id=new_id(),
        office_id=office_id,
        title=title,
        pages=pages,
        created_by=principal.account_id,
        created_at=utcnow(),
    )
    uow.session.add(template)
    return describe_template(template)


def list_templates(uow, pager, principal, office_id=None, limit=50, cursor=None):
    """Staff: a page of the templates of their offices (or of the one given), newest
    first (ix_questionnaire_templates_office_created)."""
    if principal.kind != "staff":
        raise Forbidden()
    offices = [office_id] if office_id else list(principal.offices)
    if office_id and office_id not in principal.offices:
        raise NotFound()
    rows, next_cursor = pager.page(
        uow.session,
        select(QuestionnaireTemplate).where(QuestionnaireTemplate.office_id.in_(offices)),
        [desc(QuestionnaireTemplate.created_at), desc(QuestionnaireTemplate.id)],
        limit,
        cursor,
        scope=f"templates:{principal.account_id}:{office_id or ''}",
    )
    return {"items": [describe_template(template) for template in rows], "next_cursor": next_cursor}


def _own_office(uow, principal, office_id):
    if principal.kind != "staff":
        raise Forbidden()
    if office_id is None:
        if len(principal.offices) != 1:
            raise ValidationFailed({"office_id": ["Required when you work for several offices."]})
        office_id = next(iter(principal.offices))
    if office_id not in principal.offices or uow.session.get(Office, office_id) is None:
        raise NotFound()
    return office_id


# -- assigning and reading -----------------------------------------------------------------
def assign(uow, principal, dossier_id, template_id, public_url):
    """Staff who see the dossier: a copy of the template (of the dossier's office, else
    NotFound) becomes an open questionnaire, an action for the client, who is told by
    e-mail (`new_questionnaire`). Event `questionnaire_assigned`."""
    if principal.kind != "staff":
        raise Forbidden()
    dossier, client = visible_dossier(uow, principal, dossier_id)
    template = uow.session.get(QuestionnaireTemplate, template_id)
    if template is None or template.office_id != dossier.office_id:
        raise NotFound()
    questionnaire = _copy_of(template, dossier, client, principal)
    uow.session.add(questionnaire)
    event = uow.emit(
        events.QuestionnaireAssigned(
            questionnaire_id=questionnaire.id,
            dossier_id=dossier.id,
            client_id=client.id,
            office_id=dossier.office_id,
            title=template.title,
        ),
        actor=principal.account_id,
    )
    audit.record(
        uow,
        principal,
        "questionnaire_assigned",
        client.id,
        "questionnaire",
        questionnaire.id,
        dossier.id,
    )
    notify_client(uow, event, "new_questionnaire", {"title": template.title}, public_url)
    return describe(questionnaire)


def _copy_of(template, dossier, client, principal):
    """An open questionnaire for `client` in `dossier`: the template's title and pages."""
    now = utcnow()
    return Questionnaire(
        id=new_id(),
        template_id=template.id,
        dossier_id=dossier.id,
        office_id=dossier.office_id,
        client_id=client.id,
        title=template.title,
        pages=template.pages,
        answers={},
        last_saved_page=0,
        status="open",
        assigned_by=principal.account_id,
        created_at=now,
        updated_at=now,
    )


def list_for_dossier(uow, pager, principal, dossier_id, limit=50, cursor=None):
    """A page of the dossier's questionnaires, newest first, without pages and answers
    (ix_questionnaires_dossier_created)."""
    dossier, _client = visible_dossier(uow, principal, dossier_id)
    rows, next_cursor = pager.page(
        uow.session,
        select(Questionnaire).where(Questionnaire.dossier_id == dossier.id),
        [desc(Questionnaire.created_at), desc(Questionnaire.id)],
        limit,
        cursor,
        scope=f"questionnaires:{dossier.id}",
    )
    return {
        "items": [describe(questionnaire, full=False) for questionnaire in rows],
        "next_cursor": next_cursor,
    }


def get(uow, principal, questionnaire_id):
    return describe(_visible(uow, principal, questionnaire_id)[0])


def open_actions(uow, pager, principal, limit=50, cursor=None):
    """A page of a client's open questionnaires as actions, oldest first: {items: [{type,
    id, dossier_id, title}], next_cursor} (ix_questionnaires_client_status_created)."""
    rows, next_cursor = pager.page(
        uow.session,
        select(Questionnaire).where(_open_for(uow, principal)),
        [asc(Questionnaire.created_at), asc(Questionnaire.id)],
        limit,
        cursor,
        scope=f"questionnaire-actions:{principal.account_id}:{principal.scope_office_id or ''}",
    )
    return {
        "items": [
            {"type": "questionnaire", "id": q.id, "dossier_id": q.dossier_id, "title": q.title}
            for q in rows
        ],
        "next_cursor": next_cursor,
    }


def count_open(uow, principal):
    """How many questionnaires the client has still to fill in (the portal's home)."""
    return uow.session.scalar(
        select(func.count()).select_from(Questionnaire).where(_open_for(uow, principal))
    )


def _open_for(uow, principal):
    return and_(
        Questionnaire.client_id.in_(own_client_ids(uow, principal)), Questionnaire.status == "open"
    )


def _visible(uow, principal, questionnaire_id, lock=False):
    """-> (questionnaire, dossier, client) when the principal sees its dossier."""
    questionnaire = uow.session.get(Questionnaire, questionnaire_id, with_for_update=lock)
    if questionnaire is None:
        raise NotFound()
    dossier, client = visible_dossier(uow, principal, questionnaire.dossier_id)
    return questionnaire, dossier, client


def _fillable(uow, principal, questionnaire_id, lock=False):
    """The questionnaire, for its client to fill in: staff may not (Forbidden), a
    completed one is frozen (QuestionnaireCompleted)."""
    if principal.kind != "client":
        raise Forbidden()
    found = _visible(uow, principal, questionnaire_id, lock)
    if found[0].status != "open":
        raise QuestionnaireCompleted()
    return found


# -- filling in ----------------------------------------------------------------------------
def save_page(uow, principal, questionnaire_id, number, answers):
    """The client saves page `number` (from 1; another: NotFound): its answers are
    checked (questionnaire_rules.check_answers) and replace that page's earlier ones;
    the other pages' answers stay. -> the questionnaire."""
    questionnaire = _fillable(uow, principal, questionnaire_id, lock=True)[0]
    if type(number) is not int or not 1 <= number <= len(questionnaire.pages):
        raise NotFound()
    page = questionnaire.pages[number - 1]
    given = rules.check_answers(page, answers)
    keys = rules.page_keys(page)
    kept = {k: v for k, v in questionnaire.answers.items() if k not in keys}
    questionnaire.answers = {**kept, **given}  # a new object: the JSON column sees it
    questionnaire.last_saved_page = max(questionnaire.last_saved_page or 0, number)
    questionnaire.updated_at = utcnow()
    return describe(questionnaire)


def prepare_completion(uow, principal, questionnaire_id):
    """The client asks to complete: every required question must be answered, else
    QuestionnaireIncomplete {"missing": {page: [keys]}}. -> what the PDF shows and
    where it goes: {dossier_id, title, answers, pdf: questionnaire_pdf.render's data}."""
    questionnaire, dossier, client = _fillable(uow, principal, questionnaire_id)
    missing = rules.missing_answers(questionnaire.pages, questionnaire.answers)
    if missing:
        raise QuestionnaireIncomplete({"missing": missing})
    language = principal.language if principal.language in ("nl", "en") else client.language
    return {
        "dossier_id": dossier.id,
        "title": questionnaire.title,
        "answers": questionnaire.answers,
        "pdf": {
            "title": questionnaire.title,
            "dossier_number": dossier.number,
            "client_name": client.name,
            "language": language,
            "completed_on": utcnow().date().isoformat(),
            "pages": questionnaire.pages,
            "answers": questionnaire.answers,
        },
    }


def mark_completed(uow, principal, questionnaire_id, answers, document_id):
    """After the PDF was filed as `document_id`: completed, with exactly the answers
    the PDF shows (a page saved meanwhile does not count: the client had completed).
    Completed already (a second request that also filed a PDF): QuestionnaireCompleted,
    and that second PDF stays among the client's deliveries. -> {document_id}. Event
    `questionnaire_completed`."""
    questionnaire, dossier, client = _fillable(uow, principal, questionnaire_id, lock=True)
    now = utcnow()
    questionnaire.answers, questionnaire.status = dict(answers), "completed"
    questionnaire.document_id, questionnaire.completed_by = document_id, principal.account_id
    questionnaire.completed_at = questionnaire.updated_at = now
    uow.emit(
        events.QuestionnaireCompleted(
            questionnaire_id=questionnaire.id,
            dossier_id=dossier.id,
            client_id=client.id,
            office_id=dossier.office_id,
            document_id=document_id,
        ),
        actor=principal.account_id,
    )
    audit.record(
        uow,
        principal,
        "questionnaire_completed",
        client.id,
        "questionnaire",
        questionnaire.id,
        dossier.id,
    )
    return {"document_id": document_id}


# -- shapes --------------------------------------------------------------------------------
def describe_template(template):
    return {
        "id": template.id,
        "office_id": template.office_id,
        "title": template.title,
        "pages": template.pages,
        "created_at": template.created_at.isoformat(),
    }


def describe(questionnaire, full=True):
    shape = {
        "id": questionnaire.id,
        "dossier_id": questionnaire.dossier_id,
        "template_id": questionnaire.template_id,
        "title": questionnaire.title,
        "status": questionnaire.status,
        "document_id": questionnaire.document_id,
        "created_at": questionnaire.created_at.isoformat(),
        "completed_at": questionnaire.completed_at and questionnaire.completed_at.isoformat(),
    }
    if full:
        shape.update(
            pages=questionnaire.pages,
            answers=questionnaire.answers,
            last_saved_page=questionnaire.last_saved_page or 0,
        )
    return shape
