"""questionnaire_pdf: a readable PDF of every question and answer; its text, extracted
with pypdf, holds each label and each answer as a reader would write it."""

import io

import pytest
from pypdf import PdfReader

from services.dossier.questionnaire_pdf import TooManyPages, estimated_pages, render

LONG = " ".join(f"zin{n} over het inkomen van de aanvrager" for n in range(45))  # ~1900


def data(language="nl", **answers):
    return {
        "title": "Intake hypotheek & <wonen>",
        "dossier_number": "D-2026-17",
        "client_name": "Zoë Müller-Brontë",
        "language": language,
        "completed_on": "2026-03-05",
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
                    {"key": "since", "label": "In dienst sinds", "type": "date", "required": False},
                    {
                        "key": "permanent",
                        "label": "Vast contract?",
                        "type": "yes_no",
                        "required": True,
                    },
                    {"key": "other", "label": "Nog een baan?", "type": "yes_no", "required": True},
                ],
            },
            {
                "title": "Wonen",
                "questions": [
                    {
                        "key": "kind",
                        "label": "Soort woning",
                        "type": "choice",
                        "options": ["appartement", "tussenwoning"],
                        "required": True,
                    },
                    {"key": "remarks", "label": "Toelichting", "type": "text", "required": False},
                    {
                        "key": "story",
                        "label": "Uw situatie in eigen woorden",
                        "type": "text",
                        "required": False,
                    },
                ],
            },
        ],
        "answers": {
            "employer": "Café Één & Zonen <BV>",
            "income": 3150.5,
            "since": "2020-02-29",
            "permanent": True,
            "other": False,
            "kind": "tussenwoning",
            "story": LONG,
            **answers,
        },
    }


def text_of(pdf):
    reader = PdfReader(io.BytesIO(pdf))
    return reader, " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def test_it_is_a_pdf_with_every_label_and_answer_in_dutch():
    pdf = render(data())
    assert pdf.startswith(b"%PDF-")
    _reader, text = text_of(pdf)
    for expected in (
        "Intake hypotheek & <wonen>",
        "D-2026-17",
        "Zoë Müller-Brontë",
        "5 maart 2026",
        "Werk en inkomen",
        "Wie is uw werkgever?",
        "Café Één & Zonen <BV>",
        "Bruto maandinkomen",
        "3150,5",
        "In dienst sinds",
        "29 februari 2020",
        "Vast contract? Ja",
        "Nog een baan? Nee",
        "Wonen",
        "Soort woning",
        "tussenwoning",
        "Toelichting -",
        "Uw situatie in eigen woorden",
        LONG,
        "Dossier:",
        "Klant:",
        "Datum:",
    ):
        assert expected in text, expected


def test_english_words_yes_no_and_dates_for_an_english_client():
    _reader, text = text_of(render(data("en")))
    for expected in (
        "Vast contract? Yes",
        "Nog een baan? No",
        "29 February 2020",
        "5 March 2026",
        "3150.5",
        "Client:",
        "Date:",
    ):
        assert expected in text, expected


def test_long_answers_flow_onto_more_pages():
    many = data()
    many["pages"] = many["pages"] * 12
    reader, text = text_of(render(many))
    assert len(reader.pages) > 3
    assert text.count(LONG) == 12 and text.count("Café Één & Zonen <BV>") == 12


def test_an_unbroken_text_and_line_breaks_stay_readable():
    words = "regel één\r\nregel twee\n\tingesprongen"
    _reader, text = text_of(render(data(remarks=words, story="x" * 2000)))
    assert "regel één regel twee ingesprongen" in text
    assert text.replace(" ", "").count("x" * 2000) == 1  # wrapped, not cut off


@pytest.mark.parametrize("value, shown", [(12, "12"), (2.0, "2"), (-0.25, "-0,25")])
def test_numbers_are_written_as_people_read_them(value, shown):
    _reader, text = text_of(render(data(income=value)))
    assert f"Bruto maandinkomen {shown}" in text


def test_characters_the_font_lacks_become_question_marks():
    _reader, text = text_of(render(data(employer="Łódź 中")))
    assert "Łód? ?" in text


def _lines(questions):
    """A questionnaire of `questions` answers of 1,000 lines each."""
    return {
        "title": "Alles",
        "dossier_number": "D-1",
        "client_name": "Jan",
        "language": "nl",
        "completed_on": "2026-03-05",
        "pages": [
            {
                "title": "Deel",
                "questions": [
                    {"key": f"q{n}", "label": f"Vraag {n}", "type": "text"}
                    for n in range(questions)
                ],
            }
        ],
        "answers": {f"q{n}": "x\n" * 1000 for n in range(questions)},
    }


def test_the_estimate_refuses_a_flood_of_lines_and_not_an_ordinary_questionnaire():
    assert estimated_pages(_lines(80)) > 1000
    assert (
        estimated_pages(
            data(
                employer="Bakkerij",
                income=1,
                permanent=True,
                other=False,
                kind="appartement",
                story=LONG,
            )
        )
        <= 3
    )


def test_rendering_stops_at_the_page_budget():
    with pytest.raises(TooManyPages):
        render(_lines(2), io.BytesIO(), max_pages=5)
    assert render(_lines(1), io.BytesIO(), max_pages=100) > 5  # a file: its page count
