"""Verify the stored audit streams of the services that keep a trail, with the same
code that checks an export (audit_chain.verify_stream):

    python -m services.common.audit_verify --live                 # every service
    python -m services.common.audit_verify --live dossier --db sqlite:///copy.db

The public key is --key (PEM) when given, else the platform's own (AUDIT_KEY_FILE or
the key file in AUDIT_KEY_DIR, default $KLUIS_VAR/keys). A stream's head row must agree with its last entry
too (a trail cut short along with its head is still caught by its signed checkpoints).
"""

import importlib
import os

import sqlalchemy as sa
from sqlalchemy.orm import Session

from . import audit_chain, audit_key, audit_store
from .db import make_engine
from .settings import database_url

SERVICES = ("identity", "dossier")  # the services whose models chain an AuditEntry


def verify_live(services=None, key_path=None, db_url=None):
    if db_url and len(services or ()) != 1:
        raise SystemExit("--db goes with exactly one service")
    public_key = _public_key(key_path)
    problems = []
    for service in services or SERVICES:
        if service not in SERVICES:
            raise SystemExit(f"{service} keeps no audit trail; one of {', '.join(SERVICES)}")
        engine = make_engine(db_url or database_url(service))
        try:
            with Session(engine) as session:
                problems += verify_database(session, service, public_key)
        finally:
            engine.dispose()
    return problems


def verify_database(session, service, public_key):
    models = importlib.import_module(f"services.{service}.models")
    model, content_of = models.AuditEntry, models.audit_content
    heads = models.metadata.tables["audit_heads"]
    head_seq = dict(session.execute(sa.select(heads.c.stream, heads.c.seq)).all())
    streams = set(session.scalars(sa.select(model.stream).distinct())) | set(head_seq)
    problems = []
    for stream in sorted(streams):
        entries = audit_store.entries_of(session, model, content_of, stream)
        checkpoints = audit_store.checkpoints_of(session, models.metadata, stream)
        problems += audit_chain.verify_stream(stream, entries, checkpoints, public_key)
        last = entries[-1]["seq"] if entries else 0
        if head_seq.get(stream) != last:
            detail = f"its head says seq {head_seq.get(stream)}, the last entry is seq {last}"
            problems.append(audit_chain.problem(stream, None, last, "truncated", detail))
    return problems


def _public_key(key_path):
    if key_path:
        with open(key_path, "rb") as handle:
            return audit_chain.load_public_key(handle.read())
    key_file = os.environ.get("AUDIT_KEY_FILE") or None
    try:
        private = audit_key.load(audit_key.default_dir(os.environ), key_file)
    except ValueError as error:
        raise SystemExit(
            f"{error}; pass --key with the public key (GET /api/v1/audit/public-key)"
        ) from None
    return private.public_key()
