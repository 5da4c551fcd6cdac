"""Templates in Dutch and English: `templates/<language>/<name>.txt`, Jinja2; the first
line is `Subject: ...`, the rest the body. A missing value is an error.

Each e-mail has a plain-text part and an HTML part rendered from the same template with
autoescaping, so that a name like `<script>` arrives as text in either."""
import re
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined

LANGUAGES = ("nl", "en")
_loader = FileSystemLoader(str(Path(__file__).with_name("templates")))
_env = Environment(loader=_loader, autoescape=False, undefined=StrictUndefined)
_html_env = Environment(loader=_loader, autoescape=True, undefined=StrictUndefined)
_LINK = re.compile(r"(https?://[^\s<]+)")


class UnknownTemplate(Exception):
    pass


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
    return first[len("Subject: "):].strip(), body.lstrip("\n")


def render_html(name, language, data):
    """The body as HTML: every value escaped, paragraphs kept, links clickable."""
    if name not in template_names():
        raise UnknownTemplate(name)
    language = language if language in LANGUAGES else "nl"
    escaped = _html_env.get_template(f"{language}/{name}.txt").render(**data)
    body = escaped.partition("\n")[2].strip("\n")
    paragraphs = [p.replace("\n", "<br>\n") for p in re.split(r"\n\s*\n", body) if p.strip()]
    linked = [_LINK.sub(r'<a href="\1">\1</a>', p) for p in paragraphs]
    html = "\n".join(f"<p>{p}</p>" for p in linked)
    return (f'<!doctype html>\n<html lang="{language}"><head><meta charset="utf-8"></head>'
            f"<body>\n{html}\n</body></html>\n")
