"""Optional virus scanning of uploads through clamd, failing closed.

clamd's INSTREAM command (see `man clamd`): send `zINSTREAM\\0`, then the file as
chunks each prefixed by its length (4 bytes, big endian), then a zero-length chunk.
clamd answers one NUL-terminated line: `stream: OK`, `stream: <signature> FOUND`, or
an error such as `INSTREAM size limit exceeded. ERROR` (past its StreamMaxLength).

When scanning is configured, anything but a clear OK refuses the file: an unreachable
clamd, a dropped connection, a timeout or an unexpected answer all raise ScanFailed.
Plain `socket` is used on purpose: the services run eventlet monkey-patched, so a
blocking send or receive yields to other green threads. File contents are never
logged; clamd's answer (a status line) may be.
"""

import logging
import socket
import struct

from services.documents.exceptions import ScanFailed, VirusFound

log = logging.getLogger(__name__)

MAX_PIECE = 64 * 1024  # below clamd's default StreamMaxLength and any sane buffer
MAX_ANSWER = 4096  # a status line; more than this is not clamd talking


class ClamdScanner:
    """A clamd at `address`: "host:port" (TCP) or "unix:/path/to/clamd.ctl".

    `timeout_s` bounds every connect, send and receive, including the wait for the
    verdict after the last byte (clamd scans a large file in a few seconds).
    """

    def __init__(self, address: str, timeout_s: float = 30.0):
        self.address = address
        self.timeout_s = timeout_s
        self._family, self._target = _parse_address(address)

    def start(self) -> "Scan":
        """Connect and open an INSTREAM. Raises ScanFailed({"reason": ...}) when clamd
        cannot be reached."""
        try:
            if self._family == "unix":
                sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                sock.settimeout(self.timeout_s)
                try:
                    sock.connect(self._target)
                except OSError:
                    sock.close()
                    raise
            else:
                sock = socket.create_connection(self._target, timeout=self.timeout_s)
            sock.settimeout(self.timeout_s)
        except OSError as error:
            log.warning("clamd at %s unreachable: %s", self.address, error)
            raise ScanFailed({"reason": "clamd unreachable"}) from error
        scan = Scan(sock)
        scan._send(b"zINSTREAM\0")
        return scan


class Scan:
    """One file streamed to clamd: `feed` every chunk, then `finish` (or `abort`)."""

    def __init__(self, sock: socket.socket):
        self._sock = sock

    def feed(self, chunk: bytes) -> None:
        """Send a chunk (in pieces of at most 64 KiB). Raises ScanFailed when the
        connection fails (clamd may have closed it after a size-limit error)."""
        view = memoryview(chunk)
        for start in range(0, len(view), MAX_PIECE):
            piece = view[start : start + MAX_PIECE]
            # One buffer per piece: a separate 4-byte write would meet Nagle's algorithm.
            self._send(struct.pack(">I", len(piece)) + piece)

    def finish(self) -> None:
        """End the stream and wait for the verdict. Returns on OK; raises
        VirusFound({"signature": name}) when clamd found something, ScanFailed on
        anything else (an error answer, a timeout, a closed connection)."""
        try:
            self._send(b"\0\0\0\0")
            answer = self._receive_answer()
        finally:
            self.abort()
        if answer == "stream: OK":
            return
        if answer.startswith("stream: ") and answer.endswith(" FOUND"):
            signature = answer[len("stream: ") : -len(" FOUND")]
            log.warning("clamd found %s in an upload", signature)
            raise VirusFound({"signature": signature})
        log.warning("clamd answered %r", answer[:200])
        raise ScanFailed({"reason": _reason(answer)})

    def abort(self) -> None:
        """Close the connection quietly (clamd drops a stream that never ended)."""
        if self._sock is not None:
            try:
                self._sock.close()
            except OSError:
                pass
            self._sock = None

    def _send(self, data):
        if self._sock is None:
            raise ScanFailed({"reason": "scan already ended"})
        try:
            self._sock.sendall(data)
        except OSError as error:
            # clamd closes the connection right after an error answer (a size limit):
            # pick that answer up for the reason when it is there.
            answer = self._leftover_answer()
            self.abort()
            log.warning("clamd connection lost while sending: %s %r", error, answer[:200])
            raise ScanFailed(
                {"reason": _reason(answer) if answer else "clamd connection lost"}
            ) from error

    def _receive_answer(self):
        try:
            return self._read_line()
        except TimeoutError as error:
            log.warning("clamd gave no answer within %ss", self._sock.gettimeout())
            raise ScanFailed({"reason": "clamd timed out"}) from error
        except OSError as error:
            log.warning("clamd connection lost while waiting: %s", error)
            raise ScanFailed({"reason": "clamd connection lost"}) from error

    def _leftover_answer(self):
        try:
            self._sock.settimeout(0.2)
            return self._read_line()
        except OSError:
            return ""

    def _read_line(self):
        """clamd's NUL-terminated answer ("" when it closed without one)."""
        answer = bytearray()
        while b"\0" not in answer and len(answer) < MAX_ANSWER:
            data = self._sock.recv(MAX_ANSWER)
            if not data:
                break
            answer += data
        return answer.split(b"\0", 1)[0].decode("utf-8", "replace").strip()


def _reason(answer):
    if not answer:
        return "clamd closed the connection without an answer"
    if "size limit exceeded" in answer:
        return "file larger than clamd's StreamMaxLength"
    return f"clamd answered: {answer[:200]}"


def _parse_address(address):
    if address.startswith("unix:"):
        return "unix", address[len("unix:") :]
    host, separator, port = address.removeprefix("tcp://").rpartition(":")
    if not separator or not host or not port.isdigit():
        raise ValueError(f"clamd address must be host:port or unix:/path, not {address!r}")
    return "tcp", (host.strip("[]"), int(port))


def scanner_from_config(address: str | None, timeout_s: float = 30.0) -> ClamdScanner | None:
    """The scanner for the configured clamd address, or None when none is configured
    (None or empty: scanning is off)."""
    if not address or not address.strip():
        return None
    return ClamdScanner(address.strip(), timeout_s)
