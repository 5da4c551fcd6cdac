"""A questionnaire's PDF, made within a budget so that no questionnaire can stall the
dossier service: refused beforehand when `estimated_pages` is over `max_pages`, then
rendered in a child process (questionnaire_pdf_worker; this service's event loop
keeps serving) that stops at `max_pages` and is killed after `timeout_s` or beyond
`memory_mb`; at most `concurrency` renders at once per process (more wait their turn,
up to `timeout_s`). The PDF goes from a temporary file to documents in chunks, never
whole in memory."""

import json
import shutil
import tempfile
import threading
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from services.common.child_process import Overrun, run_module

from .exceptions import QuestionnaireTooLarge
from .questionnaire_pdf import estimated_pages

CHUNK = 256 * 1024
_turns = {}  # concurrency -> its semaphore (one setting per process in practice)


@dataclass(frozen=True)
class Budget:
    max_pages: int
    timeout_s: float
    memory_mb: int
    concurrency: int

    @classmethod
    def from_settings(cls, settings):
        """From dossier's settings (settings.py, `pdf_*`)."""
        return cls(
            settings.pdf_max_pages,
            settings.pdf_timeout_s,
            settings.pdf_memory_mb,
            settings.pdf_concurrency,
        )


@contextmanager
def rendered(data, budget):
    """-> (in a with block) the path of the PDF (questionnaire_pdf.render's `data`),
    removed afterwards. QuestionnaireTooLarge {max_pages, timeout_s} beyond the budget."""
    too_large = QuestionnaireTooLarge(
        {"max_pages": budget.max_pages, "timeout_s": budget.timeout_s}
    )
    if estimated_pages(data) > budget.max_pages:
        raise too_large
    folder = Path(tempfile.mkdtemp(prefix="kluis-questionnaire-"))
    try:
        (folder / "data.json").write_text(json.dumps(data))
        turn = _turns.setdefault(budget.concurrency, threading.BoundedSemaphore(budget.concurrency))
        if not turn.acquire(timeout=budget.timeout_s):
            raise too_large  # (as busy as that, it would not be made in time either)
        try:
            answer = run_module(
                "services.dossier.questionnaire_pdf_worker",
                [folder / "data.json", folder / "questionnaire.pdf", budget.max_pages],
                budget.timeout_s,
                budget.memory_mb,
            )
        except Overrun:
            raise too_large from None
        finally:
            turn.release()
        if "pages" not in answer:
            raise too_large
        yield folder / "questionnaire.pdf"
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def chunks(path):
    with open(path, "rb") as source:
        while chunk := source.read(CHUNK):
            yield chunk
