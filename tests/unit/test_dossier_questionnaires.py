"""questionnaires.py over a real (in-memory) dossier database: templates per office,
assignment (event, audit, e-mail), saving page by page, completion in two steps around
the filing of the PDF, visibility, and the client's actions."""

import pytest

from services.common.context import Principal
from services.common.db import utcnow
from services.common.errors import Forbidden, NotFound, ValidationFailed
from services.common.paging import Pager
from services.dossier import dossiers, questionnaires
from services.dossier.exceptions import QuestionnaireCompleted, QuestionnaireIncomplete
from services.dossier.models import (
    AuditEntry,
    Client,
    Dossier,
    Office,
    Questionnaire,
    QuestionnaireTemplate,
    metadata,
)

from .conftest import Database

PAGES = [
    {
        "title": "Werk",
        "questions": [
            {"key": "employer", "label": "Werkgever", "type": "text", "required": True},
            {"key": "since", "label": "Sinds", "type": "date", "required": False},
        ],
    },
    {
        "title": "Wonen",
        "questions": [
            {
                "key": "kind",
                "label": "Woning",
                "type": "choice",
                "required": True,
                "options": ["huur", "koop"],
            }
        ],
    },
]
STAFF_A = Principal(account_id="staff-a", kind="staff", offices={"office-a": "staff"})
STAFF_B = Principal(account_id="staff-b", kind="staff", offices={"office-b": "owner"})
STAFF_AB = Principal(
    account_id="staff-ab", kind="staff", offices={"office-a": "staff", "office-b": "staff"}
)
PAGER = Pager(b"k" * 32)
ANN = Principal(account_id="acc-ann", kind="client", language="en")
PIET = Principal(account_id="acc-piet", kind="client")


@pytest.fixture
def db():
    database = Database(metadata, "dossier")
    now = utcnow()
    with database.unit_of_work() as uow:
        for office in ("office-a", "office-b"):
            uow.session.add(
                Office(
                    id=office,
                    partner_id=office,
                    name=f"Kantoor {office}",
                    city="Utrecht",
                    created_at=now,
                )
            )
        for client, office, account in (
            ("ann", "office-a", "acc-ann"),
            ("piet", "office-b", "acc-piet"),
        ):
            uow.session.add(
                Client(
                    id=client,
                    office_id=office,
                    type="person",
                    name=client.title(),
                    email=f"{client}@voorbeeld.nl",
                    language="nl",
                    shared=True,
                    account_id=account,
                    invitation_status="accepted",
                    created_by="x",
                    created_at=now,
                )
            )
            uow.session.add(
                Dossier(
                    id=f"d-{client}",
                    office_id=office,
                    client_id=client,
                    number=f"D-{client}",
                    description="Hypotheek",
                    status="in_progress",
                    created_by="x",
                    created_at=now,
                    updated_at=now,
                )
            )
    yield database
    database.engine.dispose()


def run(db, use_case, *args, **kwargs):
    with db.unit_of_work() as uow:
        return use_case(uow, *args, **kwargs)


def listed(db, use_case, *args):
    """The items of a list's first page (of at most 200)."""
    page = run(db, use_case, PAGER, *args, limit=200)
    assert page["next_cursor"] is None
    return page["items"]


def assigned(db):
    template = run(db, questionnaires.create_template, STAFF_A, "Intake", PAGES)
    return run(db, questionnaires.assign, STAFF_A, "d-ann", template["id"], "https://kluis.test")


def test_a_template_belongs_to_an_office_of_the_staff_member(db):
    template = run(db, questionnaires.create_template, STAFF_A, " Intake ", PAGES)
    assert template["office_id"] == "office-a" and template["title"] == "Intake"
    with pytest.raises(ValidationFailed) as raised:
        run(db, questionnaires.create_template, STAFF_AB, "Intake", PAGES)
    assert list(raised.value.details) == ["office_id"]
    assert (
        run(db, questionnaires.create_template, STAFF_AB, "Intake", PAGES, "office-b")["office_id"]
        == "office-b"
    )
    for who, office, error in ((STAFF_A, "office-b", NotFound), (ANN, None, Forbidden)):
        with pytest.raises(error):
            run(db, questionnaires.create_template, who, "Intake", PAGES, office)
    assert [t["office_id"] for t in listed(db, questionnaires.list_templates, STAFF_AB)] == [
        "office-b",
        "office-a",
    ]
    assert len(listed(db, questionnaires.list_templates, STAFF_A)) == 1
    with pytest.raises(NotFound):
        listed(db, questionnaires.list_templates, STAFF_A, "office-b")


def test_assigning_copies_the_template_announces_it_and_mails_the_client(db):
    questionnaire = assigned(db)
    assert questionnaire["status"] == "open" and questionnaire["answers"] == {}
    db.set(QuestionnaireTemplate, questionnaire["template_id"], pages=[], title="Anders")
    again = run(db, questionnaires.get, ANN, questionnaire["id"])
    assert again["pages"] == PAGES and again["title"] == "Intake"
    event, mail = db.outbox()
    assert event["routing_key"] == "questionnaire_assigned"
    assert event["payload"]["questionnaire_id"] == questionnaire["id"]
    assert mail["payload"]["template"] == "new_questionnaire"
    assert mail["payload"]["account_id"] == "acc-ann"
    assert mail["payload"]["data"] == {
        "name": "Ann",
        "office": "Kantoor office-a",
        "dossier_number": "D-ann",
        "title": "Intake",
        "portal_url": "https://kluis.test",
    }
    assert [a.action for a in db.all(AuditEntry)] == ["questionnaire_assigned"]


def test_only_a_template_of_the_dossiers_office_on_a_visible_dossier(db):
    other = run(db, questionnaires.create_template, STAFF_B, "Elders", PAGES)
    mine = run(db, questionnaires.create_template, STAFF_A, "Intake", PAGES)
    for who, dossier, template in (
        (STAFF_AB, "d-ann", other["id"]),
        (STAFF_B, "d-ann", other["id"]),
        (STAFF_A, "d-ann", "nope"),
        (STAFF_A, "d-piet", mine["id"]),
    ):
        with pytest.raises(NotFound):
            run(db, questionnaires.assign, who, dossier, template, "https://kluis.test")
    with pytest.raises(Forbidden):
        run(db, questionnaires.assign, ANN, "d-ann", mine["id"], "https://kluis.test")


def test_the_client_saves_page_by_page_and_resumes(db):
    questionnaire = assigned(db)
    run(
        db,
        questionnaires.save_page,
        ANN,
        questionnaire["id"],
        1,
        {"employer": " Bakker ", "since": "2020-02-29"},
    )
    run(db, questionnaires.save_page, ANN, questionnaire["id"], 2, {"kind": "koop"})
    saved = run(db, questionnaires.get, ANN, questionnaire["id"])["answers"]
    assert saved == {"employer": "Bakker", "since": "2020-02-29", "kind": "koop"}
    run(db, questionnaires.save_page, ANN, questionnaire["id"], 1, {"employer": "Smid"})
    assert run(db, questionnaires.get, STAFF_A, questionnaire["id"])["answers"] == {
        "employer": "Smid",
        "kind": "koop",
    }
    for number in (0, 3, 99):
        with pytest.raises(NotFound):
            run(db, questionnaires.save_page, ANN, questionnaire["id"], number, {})
    with pytest.raises(ValidationFailed):
        run(db, questionnaires.save_page, ANN, questionnaire["id"], 2, {"kind": "huis"})
    assert run(db, questionnaires.get, ANN, questionnaire["id"])["answers"]["kind"] == "koop"


def test_only_the_client_fills_in_and_outsiders_see_nothing(db):
    questionnaire = assigned(db)
    with pytest.raises(Forbidden):
        run(db, questionnaires.save_page, STAFF_A, questionnaire["id"], 1, {"employer": "X"})
    for who in (PIET, STAFF_B):
        with pytest.raises(NotFound):
            run(db, questionnaires.get, who, questionnaire["id"])
        with pytest.raises(NotFound):
            listed(db, questionnaires.list_for_dossier, who, "d-ann")
    with pytest.raises(NotFound):
        run(db, questionnaires.save_page, PIET, questionnaire["id"], 1, {"employer": "X"})
    looking = Principal(
        account_id="acc-ann",
        kind="client",
        scope_office_id="office-b",
        looked_along_by="staff-b",
        read_only=True,
    )
    with pytest.raises(NotFound):
        run(db, questionnaires.get, looking, questionnaire["id"])


def test_completing_needs_every_required_answer_then_freezes_it(db):
    questionnaire = assigned(db)
    run(db, questionnaires.save_page, ANN, questionnaire["id"], 1, {"employer": "Bakker"})
    with pytest.raises(QuestionnaireIncomplete) as raised:
        run(db, questionnaires.prepare_completion, ANN, questionnaire["id"])
    assert raised.value.details == {"missing": {"2": ["kind"]}}
    run(db, questionnaires.save_page, ANN, questionnaire["id"], 2, {"kind": "huur"})
    filing = run(db, questionnaires.prepare_completion, ANN, questionnaire["id"])
    assert filing["dossier_id"] == "d-ann" and filing["pdf"]["language"] == "en"
    assert filing["pdf"]["client_name"] == "Ann" and filing["pdf"]["dossier_number"] == "D-ann"
    # A page saved while the PDF is being made does not count: the PDF is what was completed.
    run(db, questionnaires.save_page, ANN, questionnaire["id"], 2, {"kind": "koop"})
    assert run(
        db, questionnaires.mark_completed, ANN, questionnaire["id"], filing["answers"], "doc-1"
    ) == {"document_id": "doc-1"}
    done = run(db, questionnaires.get, ANN, questionnaire["id"])
    assert done["status"] == "completed" and done["document_id"] == "doc-1"
    assert done["answers"]["kind"] == "huur" and done["completed_at"]
    for attempt in (
        lambda: run(db, questionnaires.save_page, ANN, questionnaire["id"], 1, {"employer": "X"}),
        lambda: run(db, questionnaires.prepare_completion, ANN, questionnaire["id"]),
        lambda: run(db, questionnaires.mark_completed, ANN, questionnaire["id"], {}, "doc-2"),
    ):
        with pytest.raises(QuestionnaireCompleted):
            attempt()
    assert db.get(Questionnaire, questionnaire["id"]).document_id == "doc-1"
    assert [e["routing_key"] for e in db.outbox()][-1] == "questionnaire_completed"
    assert "questionnaire_completed" in [a.action for a in db.all(AuditEntry)]


def test_open_questionnaires_are_the_clients_actions_until_completed(db):
    questionnaire = assigned(db)
    action = {
        "type": "questionnaire",
        "id": questionnaire["id"],
        "dossier_id": "d-ann",
        "title": "Intake",
    }
    assert listed(db, dossiers.open_actions, ANN) == [action]
    assert run(db, dossiers.home, ANN)["actions"] == 1
    assert listed(db, dossiers.open_actions, PIET) == []
    db.set(Questionnaire, questionnaire["id"], status="completed")
    assert listed(db, dossiers.open_actions, ANN) == []
    assert run(db, dossiers.home, ANN)["actions"] == 0
    assert [q["status"] for q in listed(db, questionnaires.list_for_dossier, STAFF_A, "d-ann")] == [
        "completed"
    ]
