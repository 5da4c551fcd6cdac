"""docs/api.md "Messages and questionnaires" (the questionnaire rows) through HTTP against the
whole system: templates, assignment as an action with an e-mail, saving page by page
and resuming in another session, completion into a PDF under `delivered_by_me`, and
who may do what."""

import copy
import io
from concurrent.futures import ThreadPoolExecutor

import pytest
from pypdf import PdfReader

from .conftest import text_of
from .staff_app import Office
from .test_clients import _client, activate
from .test_documents import wait_until

PASSWORD = "Mijn-Kluis-2026"
STORY = " ".join(
    ["Wij wonen sinds 2019 in Utrecht en willen graag een woning met een tuin kopen."] * 8
)
TEMPLATE = {
    "title": "Intake hypotheek",
    "pages": [
        {
            "title": "Werk en inkomen",
            "questions": [
                {
                    "key": "employer",
                    "label": "Wie is uw werkgever?",
                    "type": "text",
                    "required": True,
                },
                {
                    "key": "income",
                    "label": "Bruto maandinkomen",
                    "type": "number",
                    "required": True,
                },
                {"key": "since", "label": "In dienst sinds", "type": "date", "required": True},
                {
                    "key": "permanent",
                    "label": "Heeft u een vast contract?",
                    "type": "yes_no",
                    "required": True,
                },
                {"key": "second_job", "label": "Heeft u een tweede baan?", "type": "yes_no"},
            ],
        },
        {
            "title": "Wonen",
            "questions": [
                {
                    "key": "home",
                    "label": "Wat voor woning zoekt u?",
                    "type": "choice",
                    "options": ["appartement", "tussenwoning", "vrijstaand"],
                    "required": True,
                },
                {"key": "story", "label": "Uw situatie in eigen woorden", "type": "text"},
                {"key": "remarks", "label": "Opmerkingen", "type": "text"},
            ],
        },
    ],
}
PAGE_1 = {
    "employer": "Bakkerij Één & Zonen",
    "income": 3150.5,
    "since": "2020-02-29",
    "permanent": True,
    "second_job": False,
}
PAGE_2 = {"home": "tussenwoning", "story": STORY}


@pytest.fixture
def case(kluis, office, staff):
    """An office with its owner, an activated client, a dossier and a template."""
    client = _client(staff, office, name="Zoë Brontë")
    portal = activate(kluis, staff, client, password=PASSWORD)
    dossier = staff.post(
        f"/clients/{client['id']}/dossiers",
        json={"number": "Q-1", "description": "Hypotheek Kerkstraat 4"},
    ).json()
    template = staff.post("/questionnaire-templates", json=TEMPLATE)
    assert template.status_code == 201, template.text
    return {
        "office": office,
        "staff": staff,
        "client": client,
        "portal": portal,
        "dossier": dossier,
        "template": template.json(),
    }


def assign(case):
    response = case["staff"].post(
        f"/dossiers/{case['dossier']['id']}/questionnaires",
        json={"template_id": case["template"]["id"]},
    )
    assert response.status_code == 201, response.text
    return response.json()


def put_page(who, questionnaire, number, answers):
    return who.put(
        f"/questionnaires/{questionnaire['id']}/pages/{number}", json={"answers": answers}
    )


def error_of(response, status):
    assert response.status_code == status, response.text
    return response.json()


def pdf_text(response):
    """The text of a downloaded PDF, whitespace collapsed (wrapped lines read on)."""
    assert response.status_code == 200 and response.headers["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def with_question(page, number, **changes):
    body = copy.deepcopy(TEMPLATE)
    question = body["pages"][page]["questions"][number]
    question.update(changes)
    for name in [name for name, value in changes.items() if value is None]:
        del question[name]
    return body


def at(details, path):
    for step in path.split("."):
        details = details[step]
    return details


BAD_TEMPLATES = [  # (body, where, the message in the staff member's Dutch)
    (
        with_question(0, 0, key="Werk-Gever"),
        "pages.0.questions.0.key",
        "Gebruik 1 tot 40 tekens: a-z, 0-9 of _.",
    ),
    (
        {**TEMPLATE, "pages": TEMPLATE["pages"] + [TEMPLATE["pages"][0]]},
        "pages.2.questions.0.key",
        "Deze sleutel komt al voor in deze vragenlijst.",
    ),
    (
        with_question(0, 0, options=["a"]),
        "pages.0.questions.0.options",
        "Alleen een keuzevraag heeft opties.",
    ),
    (
        with_question(1, 0, options=None),
        "pages.1.questions.0.options",
        "Een keuzevraag heeft opties nodig.",
    ),
    (
        with_question(1, 0, options=["huis", "huis"]),
        "pages.1.questions.0.options",
        "Opties moeten verschillend zijn.",
    ),
    (
        with_question(0, 1, label="x" * 301),
        "pages.0.questions.1.label",
        "Gebruik 1 tot 300 tekens.",
    ),
    (
        with_question(0, 1, type="email"),
        "pages.0.questions.1.type",
        "Moet een van deze zijn: text, number, date, yes_no, choice.",
    ),
    (with_question(0, 1, hint="?"), "pages.0.questions.1.hint", "Onbekend veld."),
    ({**TEMPLATE, "pages": [TEMPLATE["pages"][0]] * 21}, "pages", "Tussen 1 en 20."),
    ({"pages": TEMPLATE["pages"]}, "title", "Dit veld is verplicht."),
]


def test_templates_are_validated_with_field_paths(case):
    staff, template = case["staff"], case["template"]
    assert template["office_id"] == case["office"].id and template["title"] == TEMPLATE["title"]
    assert template["pages"][0]["questions"][4]["required"] is False and template["created_at"]
    listed = staff.get("/questionnaire-templates").json()["items"]
    assert [t["id"] for t in listed] == [template["id"]]
    for body, where, message in BAD_TEMPLATES:
        refused = error_of(staff.post("/questionnaire-templates", json=body), 400)
        assert refused["error"] == "validation_error"
        assert at(refused["details"], where) == [message], (where, refused["details"])
    elsewhere = Office(case["office"].kluis, case["office"].admin)
    assert (
        staff.post(
            "/questionnaire-templates", json={**TEMPLATE, "office_id": elsewhere.id}
        ).status_code
        == 404
    )
    assert case["portal"].post("/questionnaire-templates", json=TEMPLATE).status_code == 403
    assert case["portal"].get("/questionnaire-templates").status_code == 403
    assert [t["id"] for t in staff.get("/questionnaire-templates").json()["items"]] == [
        template["id"]
    ]  # nothing of the refused ones was kept


def test_assigned_it_is_an_action_with_an_email_saved_page_by_page_and_resumed(kluis, case):
    staff, portal, dossier, client = case["staff"], case["portal"], case["dossier"], case["client"]
    questionnaire = assign(case)
    assert questionnaire["status"] == "open" and questionnaire["dossier_id"] == dossier["id"]
    assert questionnaire["pages"] == case["template"]["pages"]
    assert portal.get("/actions").json()["items"] == [
        {
            "type": "questionnaire",
            "id": questionnaire["id"],
            "dossier_id": dossier["id"],
            "title": "Intake hypotheek",
        }
    ]
    assert portal.get("/home").json()["actions"] == 1
    mail = kluis.mail.wait_for(client["email"], count=4)[3]
    assert "vragenlijst" in mail["Subject"]
    assert "Intake hypotheek" in text_of(mail) and "Q-1" in text_of(mail)
    saved = put_page(portal, questionnaire, 1, PAGE_1)
    assert saved.status_code == 200, saved.text
    assert saved.json()["answers"] == PAGE_1
    # Another day, another device: a new session sees what was saved and goes on.
    later = kluis.client(kluis.login(client["email"], PASSWORD))
    resumed = later.get(f"/questionnaires/{questionnaire['id']}").json()
    assert resumed["answers"] == PAGE_1 and resumed["status"] == "open"
    assert put_page(later, questionnaire, 2, {**PAGE_2, "remarks": "Eerst"}).status_code == 200
    assert put_page(later, questionnaire, 2, PAGE_2).status_code == 200  # replaces page 2
    seen = staff.get(f"/questionnaires/{questionnaire['id']}").json()
    assert seen["answers"] == {**PAGE_1, **PAGE_2} and seen["document_id"] is None
    listed = staff.get(f"/dossiers/{dossier['id']}/questionnaires").json()["items"]
    assert [q["id"] for q in listed] == [questionnaire["id"]]


BAD_ANSWERS = [  # (answers to page 1, the key refused, its message in the client's Dutch)
    ({**PAGE_1, "since": "2021-02-29"}, "since", "Geen geldige datum."),
    ({**PAGE_1, "since": "29-02-2020"}, "since", "Geen geldige datum."),
    ({**PAGE_1, "income": "3150"}, "income", "Geen geldig getal."),
    ({**PAGE_1, "permanent": "ja"}, "permanent", "Geen geldige ja/nee-waarde."),
    ({**PAGE_1, "home": "tussenwoning"}, "home", "Geen vraag op deze pagina."),
    ({**PAGE_1, "employer": "  "}, "employer", "Dit veld is verplicht."),
    ({k: v for k, v in PAGE_1.items() if k != "income"}, "income", "Dit veld is verplicht."),
]


def test_bad_answers_are_refused_and_change_nothing(case):
    questionnaire, portal = assign(case), case["portal"]
    assert put_page(portal, questionnaire, 2, PAGE_2).status_code == 200
    for answers, key, message in BAD_ANSWERS:
        refused = error_of(put_page(portal, questionnaire, 1, answers), 400)
        assert refused["error"] == "validation_error"
        assert refused["details"] == {"answers": {key: [message]}}, key
    assert portal.get(f"/questionnaires/{questionnaire['id']}").json()["answers"] == PAGE_2


def test_page_numbers_options_and_the_body_are_checked(case):
    questionnaire, portal = assign(case), case["portal"]
    outside = error_of(put_page(portal, questionnaire, 2, {**PAGE_2, "home": "woonboot"}), 400)
    assert outside["details"]["answers"] == {"home": ["Moet een van de opties zijn."]}
    for number in (0, 3, 99, "een"):
        assert (
            error_of(put_page(portal, questionnaire, number, PAGE_1), 404)["error"] == "not_found"
        )
    assert error_of(
        portal.put(
            f"/questionnaires/{questionnaire['id']}/pages/1", json={"answers": PAGE_1, "page": 1}
        ),
        400,
    )["details"] == {"page": ["Onbekend veld."]}
    assert (
        put_page(portal, {"id": "00000000-0000-0000-0000-000000000000"}, 1, PAGE_1).status_code
        == 404
    )


def test_completing_files_a_pdf_of_every_answer_and_freezes_it(kluis, case):
    staff, portal, dossier = case["staff"], case["portal"], case["dossier"]
    questionnaire = assign(case)
    put_page(portal, questionnaire, 1, PAGE_1)
    incomplete = error_of(portal.post(f"/questionnaires/{questionnaire['id']}/complete"), 422)
    assert incomplete["error"] == "questionnaire_incomplete"
    assert incomplete["details"] == {"missing": {"2": ["home"]}}
    assert put_page(portal, questionnaire, 2, PAGE_2).status_code == 200
    done = portal.post(f"/questionnaires/{questionnaire['id']}/complete")
    assert done.status_code == 200, done.text
    document_id = done.json()["document_id"]
    assert done.json() == {"document_id": document_id}
    listed = portal.get(
        f"/dossiers/{dossier['id']}/documents", params={"category": "delivered_by_me"}
    ).json()["items"]
    assert [(d["id"], d["category"], d["title"]) for d in listed] == [
        (document_id, "delivered_by_me", "Intake hypotheek")
    ]
    text = pdf_text(portal.get(f"/documents/{document_id}/content"))
    for expected in (
        "Intake hypotheek",
        "Q-1",
        "Zoë Brontë",
        "Werk en inkomen",
        "Wonen",
        "Bakkerij Één & Zonen",
        "3150,5",
        "29 februari 2020",
        "Heeft u een vast contract? Ja",
        "Heeft u een tweede baan? Nee",
        "tussenwoning",
        STORY,
        "Opmerkingen -",
    ):
        assert expected in text, expected
    for question in [q for p in TEMPLATE["pages"] for q in p["questions"]]:
        assert question["label"] in text
    assert portal.get("/actions").json()["items"] == []
    assert portal.get("/home").json()["actions"] == 0
    final = staff.get(f"/questionnaires/{questionnaire['id']}").json()
    assert final["status"] == "completed" and final["document_id"] == document_id
    assert final["completed_at"]
    again = error_of(portal.post(f"/questionnaires/{questionnaire['id']}/complete"), 409)
    assert again["error"] == "questionnaire_completed"
    changed = error_of(put_page(portal, questionnaire, 1, PAGE_1), 409)
    assert changed["error"] == "questionnaire_completed"
    assert (
        len(
            portal.get(
                f"/dossiers/{dossier['id']}/documents", params={"category": "delivered_by_me"}
            ).json()["items"]
        )
        == 1
    )
    wait_until(
        lambda: (
            {e["action"] for e in staff.get(f"/dossiers/{dossier['id']}/audit").json()["items"]}
            >= {"questionnaire_assigned", "questionnaire_completed", "document_uploaded"}
        )
    )


def test_only_the_dossiers_client_fills_in_and_outsiders_see_nothing(kluis, case):
    staff, portal, dossier = case["staff"], case["portal"], case["dossier"]
    questionnaire = assign(case)
    path = f"/questionnaires/{questionnaire['id']}"
    other_office = Office(kluis, kluis.admin())
    other_staff = other_office.staffed("owner")[1]
    other_client = activate(kluis, other_staff, _client(other_staff, other_office))
    foreign = other_staff.post("/questionnaire-templates", json=TEMPLATE).json()
    for outsider in (other_staff, other_client):
        assert outsider.get(path).status_code == 404
        assert outsider.get(f"/dossiers/{dossier['id']}/questionnaires").status_code == 404
    assert put_page(other_client, questionnaire, 1, PAGE_1).status_code == 404
    assert other_client.post(f"{path}/complete").status_code == 404
    assert (
        other_staff.post(
            f"/dossiers/{dossier['id']}/questionnaires", json={"template_id": foreign["id"]}
        ).status_code
        == 404
    )
    assert (
        staff.post(
            f"/dossiers/{dossier['id']}/questionnaires", json={"template_id": foreign["id"]}
        ).status_code
        == 404
    )
    assert error_of(put_page(staff, questionnaire, 1, PAGE_1), 403)["error"] == "forbidden"
    assert staff.post(f"{path}/complete").status_code == 403
    assert (
        portal.post(
            f"/dossiers/{dossier['id']}/questionnaires",
            json={"template_id": case["template"]["id"]},
        ).status_code
        == 403
    )
    looking = kluis.client(
        staff.post(f"/clients/{case['client']['id']}/look-along").json()["token"]
    )
    assert looking.get(path).status_code == 200
    assert (
        error_of(put_page(looking, questionnaire, 1, PAGE_1), 403)["error"] == "read_only_session"
    )
    assert error_of(looking.post(f"{path}/complete"), 403)["error"] == "read_only_session"
    assert portal.get(path).json()["answers"] == {}


def test_the_email_follows_the_clients_questionnaires_preference(kluis, case):
    portal, email = case["portal"], case["client"]["email"]
    assert (
        portal.put("/me/notification-preferences", json={"questionnaires": False}).status_code
        == 200
    )
    skipped = kluis.logs().count("turned questionnaires off")
    assign(case)
    wait_until(lambda: kluis.logs().count("turned questionnaires off") > skipped)
    assert (
        portal.put("/me/notification-preferences", json={"questionnaires": True}).status_code == 200
    )
    second = {**TEMPLATE, "title": "Tweede vragenlijst"}
    case["template"] = case["staff"].post("/questionnaire-templates", json=second).json()
    assign(case)
    mails = kluis.mail.wait_for(email, count=4)
    assert "Tweede vragenlijst" in text_of(mails[3])
    assert len(portal.get("/actions").json()["items"]) == 2
    assert len(kluis.mail.messages(email)) == 4


def test_the_whole_round_on_postgresql(pg_kluis):
    """Row locks and JSON columns on PostgreSQL (its sessions idle out after 3 s, so
    everyone signs in again where the test waits)."""
    office = Office(pg_kluis, pg_kluis.admin())
    app, staff = office.staffed("owner")
    client = _client(pg_kluis.client(app.login().json()["token"]), office)
    activate(pg_kluis, pg_kluis.client(app.login().json()["token"]), client, password=PASSWORD)
    staff = pg_kluis.client(app.login().json()["token"])
    dossier = staff.post(
        f"/clients/{client['id']}/dossiers", json={"number": "PG-1", "description": "Hypotheek"}
    ).json()
    case = {
        "staff": staff,
        "dossier": dossier,
        "template": staff.post("/questionnaire-templates", json=TEMPLATE).json(),
    }
    questionnaire = assign(case)
    mail = pg_kluis.mail.wait_for(client["email"], count=4)[3]
    assert "https://portaal.example.nl" in text_of(mail)
    portal = pg_kluis.client(pg_kluis.login(client["email"], PASSWORD))
    assert put_page(portal, questionnaire, 1, PAGE_1).status_code == 200
    assert put_page(portal, questionnaire, 2, PAGE_2).status_code == 200
    assert portal.get(f"/questionnaires/{questionnaire['id']}").json()["answers"] == {
        **PAGE_1,
        **PAGE_2,
    }
    done = portal.post(f"/questionnaires/{questionnaire['id']}/complete")
    assert done.status_code == 200, done.text
    text = pdf_text(portal.get(f"/documents/{done.json()['document_id']}/content"))
    assert "Bakkerij Één & Zonen" in text and "PG-1" in text
    assert portal.post(f"/questionnaires/{questionnaire['id']}/complete").status_code == 409
    assert portal.get("/actions").json()["items"] == []


def test_completions_at_the_same_moment_complete_it_once(case):
    questionnaire, portal = assign(case), case["portal"]
    put_page(portal, questionnaire, 1, PAGE_1)
    put_page(portal, questionnaire, 2, PAGE_2)
    path = f"/questionnaires/{questionnaire['id']}/complete"
    with ThreadPoolExecutor(3) as pool:
        answers = list(pool.map(lambda _: portal.post(path), range(3)))
    assert sorted(a.status_code for a in answers) == [200, 409, 409]
    [won] = [a.json()["document_id"] for a in answers if a.status_code == 200]
    assert portal.get(f"/questionnaires/{questionnaire['id']}").json()["document_id"] == won
    # What was filed by a request that then lost stays among the deliveries (documented).
    filed = portal.get(
        f"/dossiers/{case['dossier']['id']}/documents", params={"category": "delivered_by_me"}
    ).json()["items"]
    assert won in [d["id"] for d in filed] and 1 <= len(filed) <= 3
