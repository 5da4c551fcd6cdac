"""File bytes through the gateway, never whole in memory and never over the bus.

An upload is a multipart/form-data body read part by part from the server's input
stream (so chunked bodies work too); the `file` part is streamed straight on to the
documents service's blob endpoint, with the one-time ticket documents issued when it
authorized the caller. A download streams the other way. See docs/nameko.md for why
neither `request.files` nor `request.stream` is used."""

from dataclasses import dataclass
from urllib.parse import quote

from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.sansio.multipart import (
    NEED_DATA,
    Data,
    Epilogue,
    Field,
    File,
    MultipartDecoder,
    State,
)
from werkzeug.wrappers import Response

from services.common import metrics
from services.common.errors import ValidationFailed
from services.common.web_protocol import RequestTimeout
from services.documents import exceptions as documents_errors

from .http import MultipartRequired, RequestTooLarge, load
from .settings import SETTINGS

READ_SIZE = 256 * 1024
MAX_FIELD_BYTES = 4096
MAX_PARTS = 20
FORM_OVERHEAD = 256 * 1024  # what the form fields and part headers may add to the file
# What the decoder may hold between two events (part headers, a boundary being looked
# for): the file's bytes pass through, they never pile up.
MAX_BUFFER = 2 * READ_SIZE + 64 * 1024


# -- reading a multipart body -----------------------------------------------------------
@dataclass
class Part:
    name: str
    filename: str | None


class MultipartStream:
    """The parts of a multipart/form-data request, as they arrive."""

    def __init__(self, request):
        if request.mimetype != "multipart/form-data":
            raise MultipartRequired()
        boundary = request.mimetype_params.get("boundary", "")
        if not boundary or len(boundary) > 200:
            raise ValidationFailed({"_body": ["A multipart/form-data boundary is required."]})
        self._input = request.environ["wsgi.input"]
        self._decoder = MultipartDecoder(
            boundary.encode("latin-1"), max_form_memory_size=MAX_BUFFER, max_parts=MAX_PARTS
        )
        self._eof, self._read = False, 0

    def _next(self):
        while True:
            try:
                event = self._decoder.next_event()
            except ValueError:
                raise ValidationFailed({"_body": ["Not a valid multipart/form-data body."]})
            if event is not NEED_DATA:
                return event
            if self._eof:
                raise ValidationFailed({"_body": ["The multipart body ended too soon."]})
            try:
                chunk = self._input.read(READ_SIZE)
            except TimeoutError:  # HTTP_BODY_IDLE_TIMEOUT_S without a byte
                raise RequestTimeout()
            self._eof, self._read = not chunk, self._read + len(chunk)
            if self._read > SETTINGS.max_upload_bytes + FORM_OVERHEAD:  # also when sent chunked
                raise documents_errors.FileTooLarge({"max_bytes": SETTINGS.max_upload_bytes})
            try:
                self._decoder.receive_data(chunk or None)
            except RequestEntityTooLarge:
                raise RequestTooLarge()

    def parts(self):
        """Yields each Part; read its data with `data()` or `text()` before the next."""
        while self._decoder.state is not State.EPILOGUE:  # past the closing boundary: done
            event = self._next()
            if isinstance(event, Epilogue):
                return
            if isinstance(event, (Field, File)):
                yield Part(event.name, getattr(event, "filename", None) or None)

    def data(self):
        """The current part's bytes, chunk by chunk."""
        while True:
            event = self._next()
            if not isinstance(event, Data):
                raise ValidationFailed({"_body": ["Not a valid multipart/form-data body."]})
            if event.data:
                yield event.data
            if not event.more_data:
                return

    def whole(self, limit, too_large):
        """The current part's bytes at once, for small parts: `too_large` is raised as
        soon as there are more than `limit`."""
        value = bytearray()
        for chunk in self.data():
            value += chunk
            if len(value) > limit:
                raise too_large
        return bytes(value)

    def text(self, name):
        value = self.whole(MAX_FIELD_BYTES, ValidationFailed({name: ["Too long."]}))
        try:
            return value.decode("utf-8")
        except UnicodeDecodeError:
            raise ValidationFailed({name: ["Not valid UTF-8."]})


def bounded(chunks, max_bytes=SETTINGS.max_upload_bytes):
    """Stops after max_bytes + 1 bytes: enough for the receiver to refuse the file as
    too large, without carrying the rest of an oversized body along."""
    sent = 0
    for chunk in chunks:
        room = max_bytes + 1 - sent
        yield chunk[:room]
        sent += min(len(chunk), room)
        metrics.UPLOAD_BYTES.inc(min(len(chunk), room))
        if sent > max_bytes:
            return


def receive_form(call, grant, form_schema):
    """Streams the `file` part to the blob endpoint under `grant` ({upload_id,
    ticket}) and validates the other fields with `form_schema`. -> (fields, file name).
    On any error the stored bytes are discarded before the error is answered."""
    stored = False
    try:
        form, file_name, raw = MultipartStream(call.request), None, {}
        for part in form.parts():
            if part.name == "file" and part.filename is not None and not stored:
                call.services.blobs.put(grant, bounded(form.data()))
                stored, file_name = True, part.filename
            elif part.name in raw or part.name == "file":
                raise ValidationFailed({part.name: ["Given more than once."]})
            else:
                raw[part.name] = form.text(part.name)
        if not stored:
            raise ValidationFailed({"file": ["Missing data for required field."]})
        return load(form_schema, raw), file_name
    except Exception:
        try:
            call.services.documents.discard_upload(grant["upload_id"])
        except Exception:  # the janitor removes it later; the first error is the answer
            pass
        raise


def refuse_declared_oversize(request, max_bytes=SETTINGS.max_upload_bytes):
    """Before anything else: a body that says it is too large is refused unread."""
    if (request.content_length or 0) > max_bytes + FORM_OVERHEAD:
        raise documents_errors.FileTooLarge({"max_bytes": max_bytes})


# -- sending a download -----------------------------------------------------------------
def send_file(call, grant):
    """The document's bytes as an attachment, streamed from the blob endpoint."""
    upstream = call.services.blobs.download(grant)
    content_type = grant["content_type"]
    if content_type == "text/plain":
        content_type += "; charset=utf-8"
    headers = {
        "Content-Length": str(grant["size"]),
        "Content-Disposition": content_disposition(grant["name"]),
        "X-Content-Type-Options": "nosniff",
        "Content-Security-Policy": "default-src 'none'; sandbox",
    }
    return Response(
        _relay(upstream),
        status=200,
        headers=headers,
        content_type=content_type,
        direct_passthrough=True,
    )


def _relay(upstream):
    try:
        yield from upstream.iter_content(READ_SIZE)
    finally:
        upstream.close()


def content_disposition(name):
    """`attachment` with an ASCII fallback and the UTF-8 name (RFC 6266 / 5987)."""
    fallback = "".join(c if 32 <= ord(c) < 127 and c not in '"\\' else "_" for c in name)
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"
