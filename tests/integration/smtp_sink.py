"""A real SMTP sink for the integration tests, run in a process of its own (outside the
tests' eventlet hub): `python smtp_sink.py PORT FOLDER`. Prints `ready` once listening.

Every accepted message is written to FOLDER/<n>.eml (atomically); a recipient that
starts with `nobody@` is refused with `550 no such user`."""
import signal
import sys
import uuid
from pathlib import Path

from aiosmtpd.controller import Controller


class Sink:
    def __init__(self, folder):
        self.folder = folder
        self.folder.mkdir(parents=True, exist_ok=True)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.startswith("nobody@"):
            return "550 no such user"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        name = f"{len(list(self.folder.glob('*.eml'))):04d}-{uuid.uuid4().hex[:8]}"
        partial = self.folder / f"{name}.part"
        partial.write_bytes(envelope.original_content or envelope.content)
        partial.rename(self.folder / f"{name}.eml")
        return "250 Message accepted for delivery"


def main(port, folder):
    controller = Controller(Sink(Path(folder)), hostname="127.0.0.1", port=int(port))
    controller.start()
    print("ready", flush=True)
    signal.signal(signal.SIGTERM, lambda *_: (controller.stop(), sys.exit(0)))
    while True:
        signal.pause()


if __name__ == "__main__":
    main(*sys.argv[1:3])
