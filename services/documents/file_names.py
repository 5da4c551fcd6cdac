"""The name a document is stored and offered under, from the name a client gave: safe on
every file system and in a download's Content-Disposition header, with the extension
its content has (inspection.py)."""

import re
import unicodedata

from .inspection import ACCEPTED_EXTENSIONS

# Characters refused in a file name: bad on Windows, or in an HTTP header's quoted value.
_REFUSED_CHARACTERS = set("<>:\"/\\|?*'`")
_WINDOWS_DEVICES = {
    "CON",
    "PRN",
    "AUX",
    "NUL",
    *(f"COM{n}" for n in range(1, 10)),
    *(f"LPT{n}" for n in range(1, 10)),
}
MAX_NAME_CHARACTERS = 150


def safe_file_name(raw: str | None, extension: str) -> str:
    """A file name that is safe to store and to offer in a download, from the name a
    client gave (maybe none) and the extension detected from the content (".pdf").

    Keeps the base name only, NFC-normalised, without control or format characters
    (so no right-to-left override) nor characters that Windows or HTTP headers refuse;
    whitespace collapsed, no leading dots; at most 150 characters, extension included.
    The extension always fits the content: a differing one is replaced. An empty
    result becomes "document" plus the extension.
    """
    name = re.split(r"[/\\]", raw or "")[-1]
    name = "".join(_clean(character) for character in unicodedata.normalize("NFC", name))
    name = " ".join(name.split()).lstrip(". ")
    stem, given = _split_extension(name)
    if given.lower() in ACCEPTED_EXTENSIONS.get(extension, {extension}):
        extension = given
    elif not re.fullmatch(r"\.(?=.*[A-Za-z])[A-Za-z0-9]{1,5}", given):
        stem = name  # "v2.1" or "Jan.de Vries": a dot in the name, not an extension
    # Windows drops trailing dots and spaces, and refuses device names even with a suffix.
    stem = stem[: MAX_NAME_CHARACTERS - len(extension)].rstrip(". ")
    if stem.upper() in _WINDOWS_DEVICES:
        stem = f"_{stem}"
    return (stem or "document") + extension


def _clean(character):
    if character.isspace():
        return " "
    if character in _REFUSED_CHARACTERS or unicodedata.category(character).startswith("C"):
        return ""
    return character


def _split_extension(name):
    dot = name.rfind(".")
    return (name[:dot], name[dot:]) if dot > 0 else (name, "")
