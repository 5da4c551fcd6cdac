"""The audit chain's verifier (services/common/audit_chain.py) on an exported trail:
every kind of tampering (change, delete, reorder, insert, truncate) is reported with its
position, offline, with only the public key; an untouched export verifies."""

import copy
import io
import json

import pytest
from cryptography.hazmat.primitives.asymmetric import ed25519

from services.common import audit_chain, audit_key, audit_verify
from services.common.audit_chain import link_hash, sha256

STREAM = "dossier:d-1"


def make_stream(key, count, stream=STREAM, checkpoint_at=None):
    entries, prev = [], audit_chain.GENESIS
    for seq in range(1, count + 1):
        content = {"id": f"e-{seq}", "action": "dossier_viewed", "object_id": "d-1"}
        content_hash = sha256(content)
        entry_hash = link_hash(stream, seq, prev, content_hash)
        entries.append(
            {"seq": seq, "prev": prev, "hash": entry_hash, "content_hash": content_hash,
             "content": content}
        )  # fmt: skip
        prev = entry_hash
    seq = checkpoint_at or count
    checkpoint = {"stream": stream, "seq": seq, "hash": entries[seq - 1]["hash"], "at": "t"}
    checkpoint["signature"] = audit_chain.sign(key, audit_chain.checkpoint_payload(checkpoint))
    return entries, [checkpoint]


def make_export(key, count=6):
    entries, checkpoints = make_stream(key, count)
    document = {
        "format": audit_chain.FORMAT,
        "scope": {"dossier_id": "d-1"},
        "exported_at": "t",
        "streams": [{"stream": STREAM, "entries": entries, "checkpoints": checkpoints}],
    }
    document["signature"] = audit_chain.sign(key, audit_chain.export_payload(document))
    return document


@pytest.fixture
def key():
    return ed25519.Ed25519PrivateKey.generate()


def kinds(problems):
    return {(p["problem"], p["position"]) for p in problems}


def entries_of(document):
    return document["streams"][0]["entries"]


def test_an_untouched_export_verifies_with_only_the_public_key(key, tmp_path):
    (tmp_path / "export.json").write_text(json.dumps(make_export(key)))
    (tmp_path / "key.pem").write_bytes(audit_key.public_pem(key))
    out = io.StringIO()
    code = audit_verify.main(
        [str(tmp_path / "export.json"), "--key", str(tmp_path / "key.pem")], out
    )
    assert (code, out.getvalue()) == (0, "OK: the trail is whole\n")


def test_a_changed_entry_is_reported_at_its_position(key):
    document = make_export(key)
    entries_of(document)[2]["content"]["action"] = "document_downloaded"
    problems = audit_chain.verify_export(document, key.public_key())
    assert kinds(problems) == {("bad_signature", None), ("changed", 3)}


def test_a_changed_entry_with_its_hashes_recomputed_breaks_the_next_link(key):
    document = make_export(key)
    entry = entries_of(document)[2]
    entry["content"]["action"] = "document_downloaded"
    entry["content_hash"] = sha256(entry["content"])
    entry["hash"] = link_hash(STREAM, 3, entry["prev"], entry["content_hash"])
    problems = audit_chain.verify_export(document, key.public_key())
    assert ("changed", 3) in kinds(problems)


def test_a_removed_entry_is_reported_where_it_is_missing(key):
    document = make_export(key)
    del entries_of(document)[2]
    problems = audit_chain.verify_export(document, key.public_key())
    assert ("removed", 3) in kinds(problems)
    assert [p["detail"] for p in problems if p["problem"] == "removed"] == [
        "seq 3 missing before it"
    ]


def test_reordered_entries_are_reported(key):
    document = make_export(key)
    entries = entries_of(document)
    entries[1], entries[3] = entries[3], entries[1]
    problems = audit_chain.verify_export(document, key.public_key())
    assert {("reordered", 2), ("reordered", 4)} <= kinds(problems)
    assert "changed" not in {p["problem"] for p in problems}


def test_an_inserted_entry_is_reported_even_with_good_hashes(key):
    document = make_export(key)
    entries = entries_of(document)
    forged = {"id": "forged", "action": "document_hidden", "object_id": "d-1"}
    prev = entries[2]["hash"]
    entries.insert(
        3,
        {"seq": 4, "prev": prev, "hash": link_hash(STREAM, 4, prev, sha256(forged)),
         "content_hash": sha256(forged), "content": forged},
    )  # fmt: skip
    problems = audit_chain.verify_export(document, key.public_key())
    assert ("inserted", 4) in kinds(problems)


def test_a_truncated_trail_is_caught_by_the_signed_checkpoint(key):
    document = make_export(key)
    del entries_of(document)[4:]
    problems = audit_chain.verify_export(document, key.public_key())
    assert ("truncated", None) in kinds(problems)
    assert {p["seq"] for p in problems if p["problem"] == "truncated"} == {6}


def test_a_resigned_export_with_a_forged_key_fails_the_checkpoint(key):
    forger = ed25519.Ed25519PrivateKey.generate()
    document = make_export(forger)
    problems = audit_chain.verify_export(document, key.public_key())
    assert {"bad_signature", "bad_checkpoint"} <= {p["problem"] for p in problems}


def test_hidden_entries_verify_by_their_hashes_alone(key):
    document = make_export(key)
    del entries_of(document)[1]["content"]
    document["signature"] = audit_chain.sign(key, audit_chain.export_payload(document))
    assert audit_chain.verify_export(document, key.public_key()) == []


def test_the_verify_command_names_each_problem_and_exits_1(key, tmp_path):
    document = copy.deepcopy(make_export(key))
    del entries_of(document)[2]
    (tmp_path / "export.json").write_text(json.dumps(document))
    (tmp_path / "key.pem").write_bytes(audit_key.public_pem(key))
    out = io.StringIO()
    code = audit_verify.main(
        [str(tmp_path / "export.json"), "--key", str(tmp_path / "key.pem")], out
    )
    assert code == 1
    assert f"{STREAM}: position 3 (seq 4) removed: seq 3 missing before it" in out.getvalue()


def test_the_key_file_is_made_once_and_shared(tmp_path):
    first = audit_key.load_or_create(tmp_path / "keys")
    second = audit_key.load_or_create(tmp_path / "keys")
    assert audit_key.public_pem(first) == audit_key.public_pem(second)
    assert (tmp_path / "keys" / "audit-key.pem").stat().st_mode & 0o777 == 0o600
    (tmp_path / "other.pem").write_text("not a key")
    with pytest.raises(ValueError, match="other.pem"):
        audit_key.load_or_create(tmp_path, tmp_path / "other.pem")
