"""A stand-in for clamd at its protocol boundary (there is no clamd on a test machine):
a threaded TCP server that speaks INSTREAM as `man clamd` describes it.

After `zINSTREAM\\0` it reads chunks, each prefixed by a 4-byte big-endian length,
until a zero-length chunk, and answers one NUL-terminated line:
- `stream: Win.Test.EICAR_HDB-1 FOUND` when the bytes contain the EICAR test string
  (also when it straddles chunks),
- `INSTREAM size limit exceeded. ERROR` as soon as the stream passes
  `stream_max_length`, and then closes the connection, as clamd does,
- `stream: OK` otherwise.

Failure modes (`mode`): "answer" (normal), "drop" (close the connection once
`drop_after` bytes arrived, without an answer), "silent" (read everything, never
answer), "refuse" (the port is bound but nobody listens: connecting is refused, and
no other process can take the port meanwhile).
"""

import socket
import struct
import threading

EICAR = rb"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"
EICAR_SIGNATURE = "Win.Test.EICAR_HDB-1"


class FakeClamd:
    def __init__(self, mode="answer", stream_max_length=25 * 1024 * 1024, drop_after=64 * 1024):
        self.mode = mode
        self.stream_max_length = stream_max_length
        self.drop_after = drop_after
        self.received_bytes = 0  # payload bytes of every stream (length prefixes excluded)
        self.chunks = 0  # length-prefixed chunks received, the terminating one excluded
        self.largest_chunk = 0
        self.answers = []  # every answer sent, without its NUL
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._threads = []
        self._listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._listener.bind(("127.0.0.1", 0))
        self.address = f"127.0.0.1:{self._listener.getsockname()[1]}"

    def start(self):
        if self.mode == "refuse":
            return self
        self._listener.listen(8)
        self._listener.settimeout(0.1)  # so the accept loop notices stop()
        self._spawn(self._accept_loop)
        return self

    def stop(self):
        self._stopping.set()
        for thread in list(self._threads):
            thread.join(5)
        self._listener.close()

    def _spawn(self, target, *args):
        thread = threading.Thread(target=target, args=args, daemon=True)
        self._threads.append(thread)
        thread.start()

    def _accept_loop(self):
        while not self._stopping.is_set():
            try:
                connection, _peer = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self._spawn(self._serve, connection)

    def _serve(self, connection):
        with connection:
            connection.settimeout(10)
            try:
                command = _read_until(connection, b"\0")
                if command != b"zINSTREAM":
                    connection.sendall(b"UNKNOWN COMMAND\0")
                    return
                answer = self._instream(connection)
                if answer is not None:
                    self.answers.append(answer.decode())
                    connection.sendall(answer + b"\0")
            except OSError:
                return  # the client went away: nothing to answer

    def _instream(self, connection):
        """The answer to send, or None to close without one."""
        total, tail, found = 0, b"", False
        while True:
            (length,) = struct.unpack(">I", _read_exactly(connection, 4))
            if length == 0:
                break
            if total + length > self.stream_max_length:
                return b"INSTREAM size limit exceeded. ERROR"
            data = _read_exactly(connection, length)
            total += length
            self._count(length)
            window = tail + data
            found = found or EICAR in window
            tail = window[-(len(EICAR) - 1) :]
            if self.mode == "drop" and total >= self.drop_after:
                return None
        if self.mode == "silent":
            self._wait_for_close(connection)
            return None
        return f"stream: {EICAR_SIGNATURE} FOUND".encode() if found else b"stream: OK"

    def _count(self, length):
        with self._lock:
            self.received_bytes += length
            self.chunks += 1
            self.largest_chunk = max(self.largest_chunk, length)

    def _wait_for_close(self, connection):
        connection.settimeout(0.1)
        while not self._stopping.is_set():
            try:
                if not connection.recv(4096):
                    return
            except TimeoutError:
                continue


def _read_exactly(connection, count):
    data = bytearray()
    while len(data) < count:
        piece = connection.recv(min(count - len(data), 256 * 1024))
        if not piece:
            raise ConnectionError("closed mid-stream")
        data += piece
    return bytes(data)


def _read_until(connection, end, limit=64):
    data = bytearray()
    while not data.endswith(end):
        piece = connection.recv(1)
        if not piece or len(data) > limit:
            raise ConnectionError("no command")
        data += piece
    return bytes(data[: -len(end)])
