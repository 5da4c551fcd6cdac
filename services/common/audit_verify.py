"""The audit trail's verify command (docs/privacy.md "Audit trail"), the same checks
(services/common/audit_chain.py) on an export or on the stored streams:

    python -m services.common.audit_verify FILE --key PUBLIC_KEY.pem   # offline
    python -m services.common.audit_verify --live [identity dossier]   # the databases
    python -m services.common.audit_verify --live dossier --db sqlite:///copy.db

It prints each problem with its stream and position, and exits 1 when there is one.
An export needs only `cryptography`: no service code, no database.
"""

import argparse
import json
import sys

from . import audit_chain


def report(problems, out):
    for p in problems:
        where = f" position {p['position']}" if p["position"] else ""
        seq = f" (seq {p['seq']})" if p["seq"] is not None else ""
        out.write(f"{p['stream'] or 'file'}:{where}{seq} {p['problem']}: {p['detail']}\n")
    out.write("OK: the trail is whole\n" if not problems else f"{len(problems)} problem(s)\n")


def main(argv=None, out=sys.stdout):
    parser = argparse.ArgumentParser(description="Verify a Kluis audit trail.")
    parser.add_argument("file", nargs="?", help="an export (JSON)")
    parser.add_argument("--key", help="the platform's audit public key (PEM)")
    parser.add_argument("--live", nargs="*", metavar="SERVICE", help="the stored streams")
    parser.add_argument("--db", help="with --live and one service: this database URL")
    args = parser.parse_args(argv)
    if args.live is not None:
        from .audit_live import verify_live  # the databases: SQLAlchemy, settings

        problems = verify_live(args.live or None, args.key, args.db)
    elif args.file and args.key:
        with open(args.key, "rb") as key, open(args.file, "rb") as export:
            problems = audit_chain.verify_export(
                json.load(export), audit_chain.load_public_key(key.read())
            )
    else:
        parser.error("give FILE and --key, or --live")
    report(problems, out)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
