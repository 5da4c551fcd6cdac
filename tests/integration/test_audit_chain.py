"""The audit chain in the databases (services/common/audit_store.py): one sequence per
stream under concurrent writers in several processes, on SQLite and PostgreSQL; a
stored trail tampered with (changed, deleted, reordered, inserted, truncated) is caught
by the verify command, offline, on a copy; the migration chains existing entries."""

import io
import shutil
import sqlite3
import subprocess
import sys

import pytest
import sqlalchemy as sa
from alembic import command
from cryptography.hazmat.primitives.asymmetric import ed25519
from sqlalchemy.orm import Session

from services.common import audit_chain, audit_key, audit_store, audit_verify
from services.common.audit_live import verify_database
from services.common.db import make_engine, new_id, utcnow
from services.common.migrate import alembic_config, upgrade
from services.dossier.models import AuditEntry, metadata
from services.identity import models as identity_models

WRITERS, EACH = 4, 15


@pytest.fixture
def key(tmp_path):
    private = ed25519.Ed25519PrivateKey.generate()
    (tmp_path / "audit-key.pem").write_bytes(audit_key.public_pem(private))
    return private


def test_concurrent_writers_in_several_processes_make_one_sequence(
    make_db_url, engines, tmp_path, key
):
    url = make_db_url("dossier")
    engine = engines(url)
    metadata.create_all(engine)
    go = tmp_path / "go"
    writers = [
        subprocess.Popen(
            [sys.executable, "-m", "tests.integration.audit_writer", url, str(go), str(EACH), "d-1"]
            + (["reversed"] if number % 2 else [])
        )
        for number in range(WRITERS)
    ]
    go.touch()
    assert [w.wait(timeout=120) for w in writers] == [0] * WRITERS
    with Session(engine) as session:
        seqs = session.scalars(
            sa.select(AuditEntry.seq)
            .where(AuditEntry.stream == "dossier:d-1")
            .order_by(AuditEntry.seq)
        ).all()
        assert seqs == list(range(1, WRITERS * EACH + 1))
        client_seqs = session.scalars(
            sa.select(AuditEntry.seq).where(AuditEntry.stream == "client:c-1")
        ).all()
        assert sorted(client_seqs) == list(range(1, WRITERS * 5 + 1))
        assert verify_database(session, "dossier", key.public_key()) == []


def _trail(url, key, count=6):
    """-> the entries' hashes by seq, after writing `count` entries and a checkpoint."""
    engine = make_engine(url)
    metadata.create_all(engine)
    with Session(engine) as session:
        for _ in range(count):
            session.add(
                AuditEntry(
                    id=new_id(),
                    at=utcnow(),
                    action="document_downloaded",
                    object_type="document",
                    object_id=new_id(),
                    dossier_id="d-1",
                    client_id="c-1",
                )  # fmt: skip
            )
            session.flush()
        audit_store.sign_moved_heads(session, metadata, key)
        session.commit()
        hashes = dict(session.execute(sa.select(AuditEntry.seq, AuditEntry.entry_hash)).all())
    engine.dispose()
    return hashes


def _forge_fourth(db, hashes):
    """Insert a well-formed entry as seq 4: the later ones are pushed up one."""
    db.execute("UPDATE audit_entries SET seq = seq + 100 WHERE seq >= 4")
    db.execute("UPDATE audit_entries SET seq = seq - 99 WHERE seq >= 100")
    content = {"id": "forged", "at": "2026-01-01T00:00:00.000000+00:00", "actor_id": None,
               "actor_kind": None, "action": "document_hidden", "client_id": "c-1",
               "dossier_id": "d-1", "object_type": "document", "object_id": "x"}  # fmt: skip
    content_hash = audit_chain.sha256(content)
    own = audit_chain.link_hash("dossier:d-1", 4, hashes[3], content_hash)
    db.execute(
        "INSERT INTO audit_entries (id, at, action, client_id, dossier_id, object_type, "
        "object_id, stream, seq, prev_hash, content_hash, entry_hash) VALUES "
        "('forged', '2026-01-01 00:00:00.000000', 'document_hidden', 'c-1', 'd-1', "
        "'document', 'x', 'dossier:d-1', 4, ?, ?, ?)",
        (hashes[3], content_hash, own),
    )


TAMPERING = {
    "changed": (
        lambda db, h: db.execute("UPDATE audit_entries SET actor_id = 'someone' WHERE seq = 3"),
        ("changed", 3),
    ),
    "deleted": (
        lambda db, h: db.execute("DELETE FROM audit_entries WHERE seq = 3"),
        ("removed", 3),
    ),
    "reordered": (
        lambda db, h: [
            db.execute("UPDATE audit_entries SET seq = -1 WHERE seq = 2"),
            db.execute("UPDATE audit_entries SET seq = 2 WHERE seq = 4"),
            db.execute("UPDATE audit_entries SET seq = 4 WHERE seq = -1"),
        ],
        ("reordered", 2),
    ),
    "inserted": (_forge_fourth, ("inserted", 4)),
    "truncated": (
        lambda db, h: [
            db.execute("DELETE FROM audit_entries WHERE seq > 4"),
            db.execute("UPDATE audit_heads SET seq = 4, hash = ?", (h[4],)),
        ],
        ("truncated", None),
    ),
}


@pytest.mark.parametrize("tampering", sorted(TAMPERING))
def test_the_verify_command_catches_tampering_on_a_copy_of_the_stored_trail(
    tmp_path, key, tampering
):
    original = tmp_path / "dossier.db"
    hashes = _trail(f"sqlite:///{original}", key)
    copy = tmp_path / "copy.db"
    shutil.copy(original, copy)
    tamper, expected = TAMPERING[tampering]
    with sqlite3.connect(copy) as db:
        tamper(db, hashes)
    args = [
        "--live",
        "dossier",
        "--db",
        f"sqlite:///{copy}",
        "--key",
        str(tmp_path / "audit-key.pem"),
    ]
    out = io.StringIO()
    assert audit_verify.main(args, out) == 1
    with Session(engine := make_engine(f"sqlite:///{copy}")) as session:
        problems = verify_database(session, "dossier", key.public_key())
    engine.dispose()
    assert expected in {(p["problem"], p["position"]) for p in problems}, out.getvalue()
    untouched = io.StringIO()
    args[3] = f"sqlite:///{original}"
    assert audit_verify.main(args, untouched) == 0, untouched.getvalue()


def test_the_migration_chains_the_entries_written_before_it(tmp_path, key, engines):
    url = f"sqlite:///{tmp_path / 'dossier.db'}"
    command.upgrade(alembic_config("dossier", url), "0010")
    with sqlite3.connect(tmp_path / "dossier.db") as db:
        for number, (dossier, client) in enumerate([("d-1", "c-1"), (None, "c-1"), ("d-1", None)]):
            db.execute(
                "INSERT INTO audit_entries (id, at, action, client_id, dossier_id, object_type, "
                "object_id) VALUES (?, ?, 'dossier_viewed', ?, ?, 'dossier', 'o')",
                (f"old-{number}", f"2026-01-0{number + 1} 10:00:00.000000", client, dossier),
            )
    upgrade("dossier", url)
    engine = engines(url)
    with Session(engine) as session:
        session.add(
            AuditEntry(
                id=new_id(),
                at=utcnow(),
                action="dossier_viewed",
                object_type="dossier",
                object_id="o",
                dossier_id="d-1",
            )  # fmt: skip
        )
        session.commit()
        rows = session.execute(
            sa.select(AuditEntry.id, AuditEntry.stream, AuditEntry.seq).order_by(AuditEntry.at)
        ).all()
        assert [(r.stream, r.seq) for r in rows] == [
            ("dossier:d-1", 1), ("client:c-1", 1), ("dossier:d-1", 2), ("dossier:d-1", 3)
        ]  # fmt: skip
        assert verify_database(session, "dossier", key.public_key()) == []


def test_the_identity_migration_chains_its_entries_per_office(tmp_path, key, engines):
    url = f"sqlite:///{tmp_path / 'identity.db'}"
    command.upgrade(alembic_config("identity", url), "0009")
    with sqlite3.connect(tmp_path / "identity.db") as db:
        for number, office in enumerate(["o-1", None, "o-1"]):
            db.execute(
                "INSERT INTO audit_entries (id, at, action, office_id, object_type, object_id, "
                "detail) VALUES (?, ?, 'staff_added', ?, 'account', 'a', ?)",
                (f"old-{number}", f"2026-01-0{number + 1} 10:00:00.000000", office,
                 '{"role": "staff"}'),
            )  # fmt: skip
    upgrade("identity", url)
    with Session(engines(url)) as session:
        entry = identity_models.AuditEntry
        rows = session.execute(sa.select(entry.stream, entry.seq).order_by(entry.at)).all()
        assert [tuple(r) for r in rows] == [("office:o-1", 1), ("identity", 1), ("office:o-1", 2)]
        assert verify_database(session, "identity", key.public_key()) == []


def test_a_checkpoint_round_signs_only_the_streams_that_moved(tmp_path, key):
    engine = make_engine(f"sqlite:///{tmp_path / 'dossier.db'}")
    metadata.create_all(engine)

    def write(dossier_id):
        session.add(
            AuditEntry(
                id=new_id(),
                at=utcnow(),
                action="dossier_viewed",
                object_type="dossier",
                object_id=dossier_id,
                dossier_id=dossier_id,
            )  # fmt: skip
        )
        session.flush()

    with Session(engine) as session:
        write("d-1"), write("d-2")
        first = audit_store.sign_moved_heads(session, metadata, key)
        assert sorted((c["stream"], c["seq"]) for c in first) == [
            ("dossier:d-1", 1),
            ("dossier:d-2", 1),
        ]
        assert audit_store.sign_moved_heads(session, metadata, key) == []
        write("d-2")
        assert [
            (c["stream"], c["seq"]) for c in audit_store.sign_moved_heads(session, metadata, key)
        ] == [("dossier:d-2", 2)]
        head = audit_store.sign_head(session, metadata, key, "dossier:d-2")
        assert head == audit_store.checkpoints_of(session, metadata, "dossier:d-2")[-1]  # reused
        assert audit_chain.signed_by(
            key.public_key(), audit_chain.checkpoint_payload(head), head["signature"]
        )
    engine.dispose()


def test_the_verify_command_without_a_key_refuses_and_makes_none(tmp_path, key, monkeypatch):
    """Where the platform's key is not on this machine the verifier says so; it never
    makes a key of its own (every checkpoint would then fail to verify, and a stray
    private key would be left behind)."""
    copy = tmp_path / "dossier.db"
    _trail(f"sqlite:///{copy}", key)
    empty = tmp_path / "no-keys-here"
    monkeypatch.setenv("AUDIT_KEY_DIR", str(empty))
    monkeypatch.delenv("AUDIT_KEY_FILE", raising=False)
    with pytest.raises(SystemExit) as refused:
        audit_verify.main(["--live", "dossier", "--db", f"sqlite:///{copy}"], io.StringIO())
    assert "--key" in str(refused.value) and "audit-key.pem" in str(refused.value)
    assert not empty.exists()
