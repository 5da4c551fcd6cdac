"""The check of one PDF, in a process of its own (see services/common/child_process.py):
    python -m services.signing.verify_worker <pdf file> <root PEM file> <max fields> <max objects>
prints pades.verify_pdf's verdict as JSON, or {"too_complex": what} for a file beyond
the budget. The service kills it when its time is up."""

import json
import sys
from pathlib import Path

from .pades import Budget, TooComplex, verify_pdf


def main(argv):
    pdf_path, root_path, max_fields, max_objects = argv
    budget = Budget(int(max_fields), int(max_objects))
    try:
        verdict = verify_pdf(Path(pdf_path).read_bytes(), Path(root_path).read_bytes(), budget)
    except TooComplex as error:
        verdict = {"too_complex": str(error)}
    sys.stdout.write(json.dumps(verdict))


if __name__ == "__main__":
    main(sys.argv[1:])
