"""Templates in Dutch and English: `templates/<language>/<name>.txt`, Jinja2; the first
line is `Subject: ...`, the rest the body. A missing value is an error.

Each e-mail has a plain-text part and an HTML part rendered from the same template with
autoescaping, so that a name like `<script>` arrives as text in either."""

import re
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from .exceptions import UnknownTemplate

LANGUAGES = ("nl", "en")
_loader = FileSystemLoader(str(Path(__file__).with_name("templates")))
_env = Environment(loader=_loader, autoescape=False, undefined=StrictUndefined)
_html_env = Environment(loader=_loader, autoescape=True, undefined=StrictUndefined)


def clean(data):
    """Values as they may stand in a subject or a line: white space (newlines too)
    folded to single spaces, None as empty."""
    return {
        key: "" if value is None else " ".join(value.split()) if isinstance(value, str) else value
        for key, value in data.items()
    }


def template_names():
    return sorted(p.stem for p in (Path(__file__).with_name("templates") / "en").glob("*.txt"))


def render(name, language, data):
    """-> (subject, body) in `language` (nl when unknown)."""
    if name not in template_names():
        raise UnknownTemplate(name)
    language = language if language in LANGUAGES else "nl"
    text = _env.get_template(f"{language}/{name}.txt").render(**data)
    first, _, body = text.partition("\n")
    if not first.startswith("Subject: "):
        raise UnknownTemplate(name)
    return first[len("Subject: ") :].strip(), body.lstrip("\n")


def render_html(name, language, data):
    """The body as HTML: every value escaped, paragraphs kept; the links the system
    itself puts in (`*_url` values) clickable, and no other text."""
    if name not in template_names():
        raise UnknownTemplate(name)
    language = language if language in LANGUAGES else "nl"
    linked = {
        key: Markup('<a href="{0}">{0}</a>').format(value)
        if key.endswith("_url") and isinstance(value, str)
        else value
        for key, value in data.items()
    }
    escaped = _html_env.get_template(f"{language}/{name}.txt").render(**linked)
    body = escaped.partition("\n")[2].strip("\n")
    paragraphs = [p.replace("\n", "<br>\n") for p in re.split(r"\n\s*\n", body) if p.strip()]
    html = "\n".join(f"<p>{p}</p>" for p in paragraphs)
    return (
        f'<!doctype html>\n<html lang="{language}"><head><meta charset="utf-8"></head>'
        f"<body>\n{html}\n</body></html>\n"
    )
