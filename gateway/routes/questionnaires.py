"""Questionnaires (dossier): templates of the office, assigned to a dossier, filled in
by the client page by page and completed into a PDF under `delivered_by_me`."""

from services.common.errors import NotFound

from ..http import paging, route
from ..schemas import (
    AssignBody,
    CompletedOut,
    ItemList,
    ListQuery,
    PageAnswersBody,
    QuestionnaireOut,
    TemplateBody,
    TemplateOut,
    TemplateQuery,
)

COMPLETE_TIMEOUT_S = 60  # the PDF is made and filed in documents within the call


@route(
    "POST",
    "/questionnaire-templates",
    body=TemplateBody,
    tag="questionnaires",
    changes_access=False,
    responses={
        201: ("created", TemplateOut),
        400: ("validation_error: also a question key used twice in the template", None),
        404: ("not_found: not an office of yours", None),
    },
)
def create_template(call):
    """Staff: pages of typed questions (`text`, `number`, `date`, `yes_no`, `choice` with
    `options`). Keys are unique in the template; `office_id` is required for staff of
    several offices."""
    return 201, call.services.dossier.create_questionnaire_template(**call.body)


@route(
    "GET",
    "/questionnaire-templates",
    query=TemplateQuery,
    tag="questionnaires",
    responses={200: ("the templates of the caller's offices", ItemList)},
)
def list_templates(call):
    """Staff: the templates of their offices (or of `office_id`), newest first."""
    return 200, call.services.dossier.list_questionnaire_templates(
        office_id=call.query.get("office_id"), **paging(call)
    )


@route(
    "POST",
    "/dossiers/<dossier_id>/questionnaires",
    body=AssignBody,
    tag="questionnaires",
    changes_access=False,
    responses={201: ("open; an action for the client, who is told by e-mail", QuestionnaireOut)},
)
def assign(call, dossier_id):
    """Staff: a template of the dossier's office becomes a questionnaire for the client."""
    return 201, call.services.dossier.assign_questionnaire(dossier_id, **call.body)


@route(
    "GET",
    "/dossiers/<dossier_id>/questionnaires",
    query=ListQuery,
    tag="questionnaires",
    responses={200: ("the dossier's questionnaires, without pages and answers", ItemList)},
)
def list_questionnaires(call, dossier_id):
    """Newest first."""
    return 200, call.services.dossier.list_questionnaires(dossier_id, **paging(call))


@route(
    "GET",
    "/questionnaires/<questionnaire_id>",
    tag="questionnaires",
    responses={200: ("pages, answers saved so far, status", QuestionnaireOut)},
)
def get_questionnaire(call, questionnaire_id):
    """The client and staff who see the dossier."""
    return 200, call.services.dossier.get_questionnaire(questionnaire_id)


@route(
    "PUT",
    "/questionnaires/<questionnaire_id>/pages/<number>",
    body=PageAnswersBody,
    changes_access=False,
    tag="questionnaires",
    responses={
        200: ("saved", QuestionnaireOut),
        404: ("not_found: no such page", None),
        400: (
            "validation_error: also an answer to a key the page does not ask, "
            "or one of the wrong type for its question",
            None,
        ),
        409: ("questionnaire_completed", None),
    },
)
def save_page(call, questionnaire_id, number):
    """The client: checks and saves page `number` (from 1), replacing that page's earlier
    answers; the other pages' answers stay. The client can stop and resume later."""
    if not (number.isascii() and number.isdigit() and len(number) <= 4):
        raise NotFound()
    return 200, call.services.dossier.save_questionnaire_page(
        questionnaire_id, int(number), call.body["answers"]
    )


@route(
    "POST",
    "/questionnaires/<questionnaire_id>/complete",
    tag="questionnaires",
    changes_access=False,
    responses={
        200: ("the PDF of the answers, filed under delivered_by_me", CompletedOut),
        409: ("questionnaire_completed", None),
        422: (
            "questionnaire_incomplete: details.missing {page: [keys]}; "
            "questionnaire_too_large: its PDF would be beyond the budget "
            "(details {max_pages, timeout_s}); it stays open",
            None,
        ),
    },
)
def complete(call, questionnaire_id):
    """The client: every required question must be answered."""
    return 200, call.services.dossier.complete_questionnaire(
        questionnaire_id, timeout=COMPLETE_TIMEOUT_S
    )
