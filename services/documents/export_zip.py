"""A ZIP written as a stream of chunks: zipfile in its streaming mode (an unseekable
sink, so each entry's sizes and CRC follow its data in a data descriptor), drained after
every write. Neither the archive nor any entry is ever whole in memory: at most what
one write of an entry's chunk compresses to."""

import hashlib
import zipfile


class _Sink:
    """What zipfile writes to: no seek, no tell (zipfile then counts the position
    itself); the bytes wait here until the generator passes them on."""

    def __init__(self):
        self.pending = []

    def write(self, data):
        self.pending.append(bytes(data))
        return len(data)

    def flush(self):
        pass

    def drain(self):
        pending, self.pending = self.pending, []
        return pending


class ZipStream:
    """`ZipStream(entries)` is an iterator of the ZIP's bytes; `entries` yields
    (name, iterable of bytes). After it is exhausted, `size` and `sha256` are the
    archive's."""

    def __init__(self, entries):
        self.size, self._hash, self.sha256 = 0, hashlib.sha256(), None
        self._chunks = self._generate(entries)

    def __iter__(self):
        return self

    def __next__(self):
        chunk = next(self._chunks)
        self.size += len(chunk)
        self._hash.update(chunk)
        return chunk

    def _generate(self, entries):
        sink = _Sink()
        with zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for name, chunks in entries:
                with archive.open(name, "w", force_zip64=True) as entry:
                    for chunk in chunks:
                        entry.write(chunk)
                        yield from sink.drain()
                yield from sink.drain()
        yield from sink.drain()
        self.sha256 = self._hash.hexdigest()
