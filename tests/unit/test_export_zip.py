"""A client's export is written as a ZIP stream (services/documents/export_zip.py): a
valid archive whose pieces stay small however large its files, and names in it that
cannot point outside the folder it is unpacked into."""

import hashlib
import io
import os
import zipfile

from services.documents.export_records import _safe_path
from services.documents.export_zip import ZipStream

MIB = 1024 * 1024


def test_the_stream_is_a_valid_zip_of_its_entries_and_counts_itself():
    big = [os.urandom(256 * 1024) for _ in range(4)]
    stream = ZipStream(iter([("data/a.json", [b'{"a": 1}']), ("documents/x.pdf", iter(big))]))
    data = b"".join(stream)
    archive = zipfile.ZipFile(io.BytesIO(data))
    assert archive.namelist() == ["data/a.json", "documents/x.pdf"]
    assert archive.read("documents/x.pdf") == b"".join(big)
    assert archive.testzip() is None
    assert (stream.size, stream.sha256) == (len(data), hashlib.sha256(data).hexdigest())


def test_no_piece_is_much_larger_than_what_was_written_into_it():
    chunks = (os.urandom(64 * 1024) for _ in range(160))  # 10 MiB that do not compress
    largest = max(len(piece) for piece in ZipStream(iter([("big.bin", chunks)])))
    assert largest < MIB


def test_names_stay_inside_the_archive():
    assert _safe_path("documents/A-1/id/../../etc/passwd") == "documents/A-1/id/etc/passwd"
    assert _safe_path("/documents//A\\1/./x.pdf") == "documents/A_1/x.pdf"
