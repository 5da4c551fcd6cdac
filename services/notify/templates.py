"""Templates in Dutch and English: `templates/<language>/<name>.txt`, Jinja2 (HTML
templates, `.html`, are autoescaped; plain text is not, since escaping would garble it);
the first line is `Subject: ...`, the rest the body. A missing value is an error."""
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

LANGUAGES = ("nl", "en")
_env = Environment(loader=FileSystemLoader(str(Path(__file__).with_name("templates"))),
                   autoescape=select_autoescape(enabled_extensions=("html",), default=False),
                   undefined=StrictUndefined, keep_trailing_newline=False)


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
