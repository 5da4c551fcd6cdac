"""A completed questionnaire as a readable PDF (reportlab): data in, bytes out.

The heading gives title, dossier number, client and date; then every page of the
questionnaire with each question's label and its answer (yes/no in the client's
language, dates written out, "-" for an optional question left open). Long text wraps
and flows onto as many PDF pages as it needs. The font (Bitstream Vera, shipped with
reportlab) is embedded, so accents (é, ë, ü) show the same in every viewer; a
character the font lacks is printed as "?" rather than as an empty box.

Rendering is CPU work that grows with the text (2,000 line breaks in one answer make
36 pages): the service runs it in a child process with a time limit
(questionnaire_pdf_worker), refuses beforehand what `estimated_pages` puts over the
budget, and `render` stops at `max_pages`.
"""

import io
import os
from datetime import date
from xml.sax.saxutils import escape

import reportlab
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer

from services.common.written_dates import MONTHS, written_day

FONT, BOLD = "KluisSans", "KluisSans-Bold"
_FONTS = os.path.join(os.path.dirname(reportlab.__file__), "fonts")
pdfmetrics.registerFont(TTFont(FONT, os.path.join(_FONTS, "Vera.ttf")))
pdfmetrics.registerFont(TTFont(BOLD, os.path.join(_FONTS, "VeraBd.ttf")))
_GLYPHS = set(pdfmetrics.getFont(FONT).face.charToGlyph) | {ord("\n")}

WORDS = {
    "nl": {
        "dossier": "Dossier",
        "client": "Klant",
        "date": "Datum",
        "yes": "Ja",
        "no": "Nee",
        "page": "Pagina",
        "decimal": ",",
        "months": MONTHS["nl"],
    },
    "en": {
        "dossier": "Dossier",
        "client": "Client",
        "date": "Date",
        "yes": "Yes",
        "no": "No",
        "page": "Page",
        "decimal": ".",
        "months": MONTHS["en"],
    },
}
STYLES = {
    "title": ParagraphStyle("title", fontName=BOLD, fontSize=18, leading=22, spaceAfter=8),
    "facts": ParagraphStyle("facts", fontName=FONT, fontSize=10, leading=14),
    "page": ParagraphStyle(
        "page", fontName=BOLD, fontSize=13, leading=17, spaceBefore=14, spaceAfter=4
    ),
    "label": ParagraphStyle("label", fontName=BOLD, fontSize=10, leading=13, spaceBefore=6),
    "answer": ParagraphStyle("answer", fontName=FONT, fontSize=10, leading=13, leftIndent=6 * mm),
}


LINE_CHARS, PAGE_LINES = 80, 56  # a line of answer text (10 pt Vera, 170 mm), lines a page


class TooManyPages(Exception):
    """The PDF would have more pages than allowed."""


def render(data, out=None, max_pages=None):
    """data: {title, dossier_number, client_name, language (nl|en), completed_on
    (YYYY-MM-DD), pages: [{title, questions: [{key, label, type, ...}]}], answers:
    {key: value}} -> the PDF's bytes (written to the file object `out` when given,
    then -> the number of pages). TooManyPages as soon as page max_pages + 1 starts."""
    words = WORDS.get(data.get("language"), WORDS["nl"])
    target = out or io.BytesIO()
    document = SimpleDocTemplate(
        target,
        pagesize=A4,
        title=printable(data["title"]),
        leftMargin=20 * mm,
        rightMargin=20 * mm,
        topMargin=20 * mm,
        bottomMargin=20 * mm,
    )
    footer = _footer(printable(data["title"]), words, max_pages)
    document.build(_story(data, words), onFirstPage=footer, onLaterPages=footer)
    return document.page if out else target.getvalue()


def estimated_pages(data):
    """About how many pages the PDF gets (lines of text wrapped at LINE_CHARS, line
    breaks counted): cheap, to refuse the hopeless before rendering. A rough count
    (a question kept together on a fresh page adds space), so `render`'s max_pages is
    the exact bound."""
    texts = [data["title"]] + [page["title"] for page in data["pages"]]
    for page in data["pages"]:
        for question in page["questions"]:
            texts += [question["label"], str(data["answers"].get(question["key"]) or "-")]
    lines = (
        sum(len(line) // LINE_CHARS + 1 for text in texts for line in str(text).split("\n"))
        + len(texts) // 2
    )  # spacing
    return lines // PAGE_LINES + 1


def _story(data, words):
    story = [Paragraph(_markup(data["title"]), STYLES["title"])]
    for fact, value in (
        ("dossier", data["dossier_number"]),
        ("client", data["client_name"]),
        ("date", written_date(data["completed_on"], words)),
    ):
        story.append(
            Paragraph(
                f"<font name='{BOLD}'>{words[fact]}:</font> {_markup(value)}", STYLES["facts"]
            )
        )
    for page in data["pages"]:
        story.append(Paragraph(_markup(page["title"]), STYLES["page"]))
        for question in page["questions"]:
            answer = shown_answer(question, data["answers"].get(question["key"]), words)
            story.append(
                KeepTogether(
                    [
                        Paragraph(_markup(question["label"]), STYLES["label"]),
                        Paragraph(_markup(answer), STYLES["answer"]),
                    ]
                )
            )
    story.append(Spacer(1, 4 * mm))
    return story


def _footer(title, words, max_pages):
    def draw(canvas, document):
        if max_pages and document.page > max_pages:
            raise TooManyPages()
        canvas.saveState()
        canvas.setFont(FONT, 8)
        canvas.drawString(20 * mm, 10 * mm, title[:90])
        canvas.drawRightString(A4[0] - 20 * mm, 10 * mm, f"{words['page']} {document.page}")
        canvas.restoreState()

    return draw


def shown_answer(question, value, words):
    """An answer as a reader wants it: "-" when there is none."""
    if value is None:
        return "-"
    kind = question["type"]
    if kind == "yes_no":
        return words["yes"] if value else words["no"]
    if kind == "date":
        return written_date(value, words)
    if kind == "number":
        return written_number(value, words)
    return str(value)


def written_date(value, words):
    """ "2026-03-05" -> "5 maart 2026" / "5 March 2026"."""
    return written_day(date.fromisoformat(value), words["months"])


def written_number(value, words):
    """12 -> "12"; 2.0 -> "2"; 1234.5 -> "1234,5" in Dutch, "1234.5" in English."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        value = int(value)
    return str(value).replace(".", words["decimal"])


def printable(text):
    """`text` with line breaks as "\\n", tabs as spaces, and every character the font
    cannot draw replaced by "?"."""
    text = str(text).replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")
    return "".join(c if ord(c) in _GLYPHS else "?" for c in text)


def _markup(text):
    """Plain text as paragraph markup: escaped, its line breaks kept."""
    return escape(printable(text)).replace("\n", "<br/>")
