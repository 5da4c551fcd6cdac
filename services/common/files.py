"""Files that several processes may try to create at the same moment (default keys)."""

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
