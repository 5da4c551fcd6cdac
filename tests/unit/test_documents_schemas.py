"""services/documents/schemas.py through services.common.schemas.load, and the use cases
that apply them over a real (in-memory) database: good input comes back cleaned
(titles and reasons trimmed, repeated attachment ids dropped, the facts page's limit
brought within bounds), bad input is ValidationFailed with the details the gateway maps
to 400 `validation_error` (the same keys and words as before the schemas), and a refused
call stores nothing."""

import pytest

from services.common.context import Principal
from services.common.errors import ValidationFailed
from services.common.schemas import load
from services.documents import attachments, checklist, facts, finishing, library, schemas
from services.documents.models import DocumentRequest, metadata

from .conftest import Database

REQUIRED = ["Missing data for required field."]
TITLE = ["Length must be between 1 and 200."]
DELIVER_BY = ["Must be one of: client, lender."]
DECISION = ["Must be one of: approve, reject."]
CATEGORY = ["Must be one of: document, correspondence."]
NEW_REQUEST = {"title": "Loonstrook", "deliver_by": "client"}

GOOD = [
    (
        schemas.NewRequest(),
        {**NEW_REQUEST, "title": "  Loonstrook ", "description": None, "due_date": "2026-02-28"},
        {**NEW_REQUEST, "description": None, "due_date": "2026-02-28"},
    ),
    (
        schemas.NewRequest(),
        {"title": "t" * 200, "deliver_by": "lender", "description": "d" * 2000},
        {"title": "t" * 200, "deliver_by": "lender", "description": "d" * 2000},
    ),
    (
        schemas.Review(),
        {"decision": "reject", "reason": " Onleesbaar "},
        {
            "decision": "reject",
            "reason": "Onleesbaar",
        },
    ),
    (
        schemas.Review(),
        {"decision": "approve", "reason": None},
        {
            "decision": "approve",
            "reason": None,
        },
    ),
    (
        schemas.Review(),
        {"decision": "reject", "reason": " " + "r" * 1000 + " "},
        {
            "decision": "reject",
            "reason": "r" * 1000,
        },
    ),
    (schemas.DossierDocument(), {"category": "correspondence"}, {"category": "correspondence"}),
    (schemas.Attachments(), {"attachment_ids": ["a", "b", "a"]}, {"attachment_ids": ["a", "b"]}),
    (schemas.Attachments(), {"attachment_ids": None}, {"attachment_ids": []}),
    (schemas.Attachments(), {"attachment_ids": ["x"] * 11}, {"attachment_ids": ["x"]}),
    (schemas.Visibility(), {"public": False}, {"public": False}),
    (schemas.DocumentFilter(), {"category": None}, {"category": None}),
    (schemas.DocumentFilter(), {"category": "delivered_by_me"}, {"category": "delivered_by_me"}),
    (schemas.RequestFilter(), {"status": "rejected"}, {"status": "rejected"}),
    (schemas.FactsPage(), {"after": None, "limit": "5000"}, {"after": None, "limit": 1000}),
    (schemas.FactsPage(), {"after": "d-1", "limit": 0}, {"after": "d-1", "limit": 1}),
]

BAD = [
    (schemas.NewRequest(), {}, {"title": TITLE, "deliver_by": DELIVER_BY}),
    (
        schemas.NewRequest(),
        {"title": "   ", "deliver_by": "bank", "description": 5, "due_date": "28-02-2026"},
        {
            "title": TITLE,
            "deliver_by": DELIVER_BY,
            "description": ["Longer than maximum length 2000."],
            "due_date": ["Not a valid date."],
        },
    ),
    (
        schemas.NewRequest(),
        {"title": "t" * 201, "deliver_by": None, "description": "d" * 2001},
        {
            "title": TITLE,
            "deliver_by": DELIVER_BY,
            "description": ["Longer than maximum length 2000."],
        },
    ),
    (
        schemas.NewRequest(),
        {**NEW_REQUEST, "due_date": "2026-02-30"},
        {"due_date": ["Not a valid date."]},
    ),
    (schemas.Review(), {"decision": "maybe"}, {"decision": DECISION}),
    (schemas.Review(), {"decision": None, "reason": "x"}, {"decision": DECISION}),
    (schemas.Review(), {"decision": "reject", "reason": "  "}, {"reason": ["Required to reject."]}),
    (schemas.Review(), {"decision": "reject"}, {"reason": ["Required to reject."]}),
    (
        schemas.Review(),
        {"decision": "approve", "reason": "r" * 1001},
        {"reason": ["Longer than maximum length 1000."]},
    ),
    (schemas.DossierDocument(), {"category": "delivered_by_me"}, {"category": CATEGORY}),
    (schemas.DossierDocument(), {"category": None}, {"category": CATEGORY}),
    (
        schemas.Attachments(),
        {"attachment_ids": [str(n) for n in range(11)]},
        {"attachment_ids": ["At most 10."]},
    ),
    (schemas.Attachments(), {"attachment_ids": "a"}, {"attachment_ids": ["Not a valid list."]}),
    (schemas.Visibility(), {"public": "yes"}, {"public": ["Not a valid boolean."]}),
    (schemas.Visibility(), {"public": 1}, {"public": ["Not a valid boolean."]}),
    (
        schemas.DocumentFilter(),
        {"category": "invoice"},
        {"category": ["Must be one of: document, correspondence, delivered_by_me."]},
    ),
    (
        schemas.RequestFilter(),
        {"status": "closed"},
        {"status": ["Must be one of: open, uploaded, approved, rejected, provisional, lapsed."]},
    ),
    (schemas.FactsPage(), {"after": None, "limit": "many"}, {"limit": ["Not a valid integer."]}),
]


@pytest.mark.parametrize(("schema", "data", "loaded"), GOOD)
def test_good_input_is_loaded_clean(schema, data, loaded):
    assert load(schema, data) == loaded


@pytest.mark.parametrize(("schema", "data", "details"), BAD)
def test_bad_input_names_each_field(schema, data, details):
    with pytest.raises(ValidationFailed) as refused:
        load(schema, data)
    assert refused.value.details == details
    assert refused.value.code == "validation_error"


STAFF = Principal(account_id="staff-a", kind="staff", offices={"office-a": "staff"})
ACCESS = {"dossier_id": "dos-1", "office_id": "office-a", "client_id": "ann", "as": "staff"}


@pytest.fixture
def db():
    return Database(metadata, "documents")


def _refused(call, *args):
    with pytest.raises(ValidationFailed) as refused:
        call(*args)
    return refused.value.details


def test_a_request_is_stored_as_the_schema_cleans_it_and_a_bad_one_not_at_all(db):
    with db.unit_of_work() as uow:
        made = checklist.create_request(uow, STAFF, ACCESS, " Loonstrook ", "client")
    assert (made["title"], made["description"], made["due_date"]) == ("Loonstrook", None, None)
    with db.unit_of_work() as uow:
        details = _refused(
            checklist.create_request, uow, STAFF, ACCESS, "", "bank", None, "2026-13-01"
        )
    assert details == {"title": TITLE, "deliver_by": DELIVER_BY, "due_date": ["Not a valid date."]}
    assert [r.title for r in db.all(DocumentRequest)] == ["Loonstrook"]


def test_a_review_is_checked_before_the_request_changes(db):
    with db.unit_of_work() as uow:
        made = checklist.create_request(uow, STAFF, ACCESS, "Loonstrook", "client")
    db.set(DocumentRequest, made["id"], status="uploaded")
    for decision, reason, details in [
        ("reject", " ", {"reason": ["Required to reject."]}),
        ("later", None, {"decision": DECISION}),
    ]:
        with db.unit_of_work() as uow:
            assert _refused(checklist.review, uow, STAFF, ACCESS, made["id"], decision, reason) == (
                details
            )
    assert db.get(DocumentRequest, made["id"]).status == "uploaded"
    with db.unit_of_work() as uow:
        reviewed = checklist.review(uow, STAFF, ACCESS, made["id"], "reject", " Onleesbaar ")
    assert (reviewed["status"], reviewed["reason"]) == ("rejected", "Onleesbaar")


def test_the_other_use_cases_check_with_the_schemas(db):
    with db.unit_of_work() as uow:
        assert _refused(library.set_visibility, uow, STAFF, ACCESS, "d-1", "true") == {
            "public": ["Not a valid boolean."]
        }
        assert _refused(
            attachments.file_attachments, uow, STAFF, "m-1", "dos-1", [str(n) for n in range(11)]
        ) == {"attachment_ids": ["At most 10."]}
        assert _refused(facts.export_facts, uow, None, "many") == {
            "limit": ["Not a valid integer."]
        }
        assert facts.export_facts(uow, None, "0")["next_cursor"] is None
        assert _refused(
            finishing.FINISHERS["document"], uow, STAFF, None, "a.pdf", "lender", False, None
        ) == {"category": CATEGORY}
        assert _refused(checklist.list_requests, uow, None, ACCESS, "late") == {
            "status": ["Must be one of: open, uploaded, approved, rejected, provisional, lapsed."]
        }
