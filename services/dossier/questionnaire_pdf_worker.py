"""The rendering of one questionnaire PDF, in a process of its own (see
services/common/child_process.py):
    python -m services.dossier.questionnaire_pdf_worker <data JSON file> <PDF file> <max pages>
writes the PDF and prints {"pages": n}, or {"too_large": "pages"} beyond max pages.
The service kills it when its time is up."""

import json
import sys
from pathlib import Path

from .questionnaire_pdf import TooManyPages, render


def main(argv):
    data_path, pdf_path, max_pages = argv
    data = json.loads(Path(data_path).read_text())
    try:
        with open(pdf_path, "wb") as out:
            answer = {"pages": render(data, out, int(max_pages))}
    except TooManyPages:
        answer = {"too_large": "pages"}
    sys.stdout.write(json.dumps(answer))


if __name__ == "__main__":
    main(sys.argv[1:])
