"""The rules of questionnaires, without I/O: what a template may hold, what an answer
to each type of question may be, and what is still missing before completion.

Faults are reported like marshmallow reports them ({field: [messages]}, nested along
the path, list positions counted from 0 as strings) and with marshmallow's own words
where it has them, so that the gateway's schema errors and these read alike.
"""

import math
import re
from datetime import date

from services.common.errors import ValidationFailed
from services.common.schemas import (
    NOT_BOOLEAN,
    NOT_LIST,
    NOT_MAPPING,
    NOT_NULL,
    NOT_STRING,
    REQUIRED,
    UNKNOWN,
    between,
    one_of,
)

TYPES = ("text", "number", "date", "yes_no", "choice")
KEY = re.compile(r"[a-z0-9_]{1,40}")
DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
MAX_TITLE, MAX_LABEL, MAX_OPTION, MAX_TEXT = 200, 300, 200, 2000
PAGES, QUESTIONS, OPTIONS = (1, 20), (1, 50), (1, 30)
PAGE_FIELDS = {"title", "questions"}
QUESTION_FIELDS = {"key", "label", "type", "required", "options"}

NOT_OBJECT = "Invalid input type."
BAD_KEY = "Use 1 to 40 characters: a-z, 0-9 or _."
KEY_TAKEN = "This key is already used in this questionnaire."
BAD_TYPE = one_of(TYPES)
NEEDS_OPTIONS = "A choice question needs options."
NO_OPTIONS = "Only a choice question has options."
OPTIONS_UNIQUE = "Options must be unique."
NOT_ON_PAGE = "Not a question on this page."
NOT_OPTION = "Must be one of the options."
MISSING = object()


def check_template(title, pages):
    """A template as staff wrote it -> (title, pages), cleaned: text stripped, every
    question as {key, label, type, required[, options]}. 1-20 pages of 1-50 questions;
    keys [a-z0-9_]{1,40}, unique across the template; labels up to 300 characters;
    `options` (1-30 distinct texts of 1-200 characters) on choice questions and on no
    other. Any fault: ValidationFailed naming each one by its path."""
    errors = {}
    title = _text(errors, ("title",), title, MAX_TITLE)
    pages = _list(errors, ("pages",), pages, PAGES)
    cleaned = [_page(errors, ("pages", str(n)), page) for n, page in enumerate(pages or [])]
    _unique_keys(errors, cleaned)
    if errors:
        raise ValidationFailed(errors)
    return title, cleaned


def _page(errors, path, page):
    if not isinstance(page, dict):
        _put(errors, path + ("_schema",), NOT_OBJECT)
        return {"title": "", "questions": []}
    for field in sorted(page.keys() - PAGE_FIELDS):
        _put(errors, path + (str(field),), UNKNOWN)
    questions = _list(errors, path + ("questions",), page.get("questions", MISSING), QUESTIONS)
    return {
        "title": _text(errors, path + ("title",), page.get("title", MISSING), MAX_TITLE),
        "questions": [
            _question(errors, path + ("questions", str(n)), question)
            for n, question in enumerate(questions or [])
        ],
    }


def _question(errors, path, question):
    if not isinstance(question, dict):
        _put(errors, path + ("_schema",), NOT_OBJECT)
        return None
    for field in sorted(question.keys() - QUESTION_FIELDS):
        _put(errors, path + (str(field),), UNKNOWN)
    key, kind = question.get("key", MISSING), question.get("type", MISSING)
    if key is MISSING:
        _put(errors, path + ("key",), REQUIRED)
    elif not isinstance(key, str) or not KEY.fullmatch(key):
        _put(errors, path + ("key",), BAD_KEY)
    if kind is MISSING:
        _put(errors, path + ("type",), REQUIRED)
    elif kind not in TYPES:
        _put(errors, path + ("type",), BAD_TYPE)
    required = question.get("required", False)
    if not isinstance(required, bool):
        _put(errors, path + ("required",), NOT_BOOLEAN)
    cleaned = {
        "key": key,
        "label": _text(errors, path + ("label",), question.get("label", MISSING), MAX_LABEL),
        "type": kind,
        "required": required is True,
    }
    options = question.get("options")
    if kind == "choice":
        cleaned["options"] = _options(errors, path + ("options",), options)
    elif options is not None:
        _put(errors, path + ("options",), NO_OPTIONS)
    return cleaned


def _options(errors, path, options):
    if options is None:
        _put(errors, path, NEEDS_OPTIONS)
        return []
    options = _list(errors, path, options, OPTIONS) or []
    cleaned = [
        _text(errors, path + (str(n),), option, MAX_OPTION) for n, option in enumerate(options)
    ]
    if None not in cleaned and len(set(cleaned)) < len(cleaned):
        _put(errors, path, OPTIONS_UNIQUE)
    return cleaned


def _unique_keys(errors, pages):
    seen = set()
    for p, page in enumerate(pages):
        for q, question in enumerate(page["questions"]):
            key = question and question["key"]
            if not isinstance(key, str):
                continue
            if key in seen:
                _put(errors, ("pages", str(p), "questions", str(q), "key"), KEY_TAKEN)
            seen.add(key)


def _text(errors, path, value, longest):
    """A required text of 1..longest characters once stripped."""
    if value is MISSING:
        _put(errors, path, REQUIRED)
    elif value is None:
        _put(errors, path, NOT_NULL)
    elif not isinstance(value, str):
        _put(errors, path, NOT_STRING)
    elif not 1 <= len(value.strip()) <= longest:
        _put(errors, path, between(1, longest))
    else:
        return value.strip()
    return None


def _list(errors, path, value, size):
    if value is MISSING:
        _put(errors, path, REQUIRED)
    elif not isinstance(value, list):
        _put(errors, path, NOT_LIST)
    elif not size[0] <= len(value) <= size[1]:
        _put(errors, path, between(*size))
    else:
        return value
    return None


def _put(errors, path, message):
    *branches, leaf = path
    for branch in branches:
        errors = errors.setdefault(branch, {})
        if isinstance(errors, list):  # a message on the list itself comes first
            return
    errors.setdefault(leaf, [])
    if isinstance(errors[leaf], list):
        errors[leaf].append(message)


# -- answers -------------------------------------------------------------------------------
def check_answers(page, answers):
    """The answers to one page -> {key: value} of the questions answered. Per type:
    text a string of at most 2000 characters (stripped); number a JSON number (not a
    boolean), finite; date "YYYY-MM-DD", a real date; yes_no a boolean; choice one of
    its options. null, and a text of only spaces, leave a question unanswered, which a
    required question may not be. Keys not on the page are refused. Any fault:
    ValidationFailed {"answers": {key: [message]}}."""
    if not isinstance(answers, dict):
        raise ValidationFailed({"answers": [NOT_MAPPING]})
    questions = {question["key"]: question for question in page["questions"]}
    errors, given = {}, {}
    for key, value in answers.items():
        if key not in questions:
            errors[str(key)] = [NOT_ON_PAGE]
            continue
        problem, value = _answer(questions[key], value)
        if problem:
            errors[key] = [problem]
        elif value is not None:
            given[key] = value
    for key, question in questions.items():
        if question["required"] and key not in given and key not in errors:
            errors[key] = [REQUIRED]
    if errors:
        raise ValidationFailed({"answers": errors})
    return given


def _answer(question, value):
    """-> (the fault or None, the value to keep or None for unanswered)."""
    if value is None:
        return None, None
    kind = question["type"]
    if kind == "text":
        if not isinstance(value, str):
            return NOT_STRING, None
        if len(value) > MAX_TEXT:
            return f"Longer than maximum length {MAX_TEXT}.", None
        return None, value.strip() or None
    if kind == "number":
        is_number = isinstance(value, (int, float)) and not isinstance(value, bool)
        return (None, value) if is_number and _finite(value) else ("Not a valid number.", None)
    if kind == "date":
        return (None, value) if is_date(value) else ("Not a valid date.", None)
    if kind == "yes_no":
        return (None, value) if isinstance(value, bool) else (NOT_BOOLEAN, None)
    return (
        (None, value)
        if isinstance(value, str) and value in question["options"]
        else (NOT_OPTION, None)
    )


def is_date(value):
    """A real calendar date written as YYYY-MM-DD (and nothing else ISO allows)."""
    if not isinstance(value, str) or not DATE.fullmatch(value):
        return False
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return True


def page_keys(page):
    return {question["key"] for question in page["questions"]}


def missing_answers(pages, answers):
    """Required questions without an answer -> {page number (from 1, as in the URL):
    [keys]}; empty when the questionnaire may be completed."""
    missing = {}
    for number, page in enumerate(pages, 1):
        keys = [q["key"] for q in page["questions"] if q["required"] and q["key"] not in answers]
        if keys:
            missing[str(number)] = keys
    return missing


def _finite(number):
    """Finite and of a sensible size (a 400-digit integer overflows a float)."""
    try:
        return math.isfinite(number) and abs(number) < 1e15
    except OverflowError:
        return False
