"""Files that several processes may try to create at the same moment (default keys)."""

import base64
import binascii
import os
import secrets
from pathlib import Path


def link_new(path: Path, data: bytes, mode) -> bool:
    """Write `data` to a private temporary file beside `path`, fsync it and hard-link it
    into place: a reader never sees a half-written file, and the link fails when another
    process got there first. -> False when `path` already existed (theirs is kept)."""
    temp = path.with_name(f".{path.name}.{secrets.token_hex(8)}")
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        try:
            os.link(temp, path)
        except FileExistsError:
            return False
        return True
    finally:
        os.unlink(temp)


def secret_key(configured, name, default_file: Path) -> bytes:
    """A key of 32 bytes or more: `configured` (base64, the setting `name`) or, when that is
    empty, the one in `default_file`, made (32 random bytes) by the first process to ask.
    ValueError naming the setting when it is not base64 or too short."""
    text = (configured or "").strip() or _read_or_create(default_file)
    try:
        key = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise ValueError(f"{name} is not valid base64") from None
    if len(key) < 32:
        raise ValueError(f"{name} must be at least 32 bytes")
    return key


def _read_or_create(path: Path) -> str:
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        pass
    os.makedirs(path.parent, mode=0o700, exist_ok=True)
    link_new(path, base64.b64encode(os.urandom(32)), 0o600)  # lost a race: theirs is read
    return path.read_text().strip()
