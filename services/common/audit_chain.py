"""The audit trail's hash chain and its verifier (docs/privacy.md "Audit trail"). Pure:
no nameko, no database; it needs only `cryptography`, so that anyone can check an
exported trail offline with the platform's public key:

    python -m services.common.audit_verify FILE --key PUBLIC_KEY.pem  (make audit-verify)

Each entry of a stream holds its content hash (SHA-256 of the canonical JSON of its
content: ids, action, time; never personal data), its sequence number in the stream,
the previous entry's hash and its own: SHA-256 of the canonical JSON of
{stream, seq, prev, content_hash}. A checkpoint {stream, seq, hash, at} is signed with
the platform's Ed25519 audit key. Canonical JSON: sorted keys, no whitespace, UTF-8.
"""

import base64
import binascii
import hashlib
import json

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519

GENESIS = "0" * 64  # the `prev` of a stream's first entry
FORMAT = "kluis-audit-export/1"


def canonical(value) -> bytes:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def sha256(value) -> str:
    return hashlib.sha256(canonical(value)).hexdigest()


def link_hash(stream, seq, prev, content_hash) -> str:
    """The entry's own hash: it binds its place in the stream and its content."""
    return sha256({"stream": stream, "seq": seq, "prev": prev, "content_hash": content_hash})


def sign(private_key, payload: dict) -> str:
    """-> base64url (no padding) of the Ed25519 signature over canonical(payload)."""
    return base64.urlsafe_b64encode(private_key.sign(canonical(payload))).rstrip(b"=").decode()


def signed_by(public_key, payload: dict, signature) -> bool:
    try:
        raw = base64.urlsafe_b64decode(str(signature) + "=" * (-len(str(signature)) % 4))
        public_key.verify(raw, canonical(payload))
    except (InvalidSignature, binascii.Error, ValueError, TypeError):
        return False
    return True


def checkpoint_payload(checkpoint: dict) -> dict:
    """What a checkpoint's signature covers."""
    return {k: checkpoint.get(k) for k in ("stream", "seq", "hash", "at")}


def load_public_key(pem: bytes):
    key = serialization.load_pem_public_key(pem)
    if not isinstance(key, ed25519.Ed25519PublicKey):
        raise ValueError("the audit key is an Ed25519 public key (PEM)")
    return key


def problem(stream, position, seq, kind, detail):
    return {"stream": stream, "position": position, "seq": seq, "problem": kind, "detail": detail}


def verify_stream(stream, entries, checkpoints, public_key):
    """-> the problems of one stream, [] when it is whole. `entries` in stored order (by
    seq), each {seq, prev, hash, content_hash[, content]}; an entry without `content`
    (another person's, in an export) is checked by its hashes only. Positions count
    from 1. Every checkpoint must carry a good signature and match the entry it names."""
    found = []
    by_hash = {e.get("hash"): pos for pos, e in enumerate(entries, 1)}
    last_seq, expected_prev = 0, GENESIS
    for pos, entry in enumerate(entries, 1):
        seq = entry.get("seq")
        if not isinstance(seq, int) or not all(
            isinstance(entry.get(k), str) for k in ("prev", "hash", "content_hash")
        ):
            found.append(problem(stream, pos, seq, "changed", "not a well-formed entry"))
            continue
        found += _own_hashes(stream, pos, entry)
        if entry["prev"] != expected_prev:
            found.append(_broken_link(stream, pos, entry, entries, by_hash, last_seq))
        if seq > last_seq:
            last_seq, expected_prev = seq, entry["hash"]
    return found + _against_checkpoints(stream, entries, checkpoints, public_key, last_seq)


def _own_hashes(stream, pos, entry):
    seq = entry["seq"]
    if "content" in entry and sha256(entry["content"]) != entry["content_hash"]:
        return [problem(stream, pos, seq, "changed", "its content does not match its hash")]
    if link_hash(stream, seq, entry["prev"], entry["content_hash"]) != entry["hash"]:
        return [problem(stream, pos, seq, "changed", "its chain data do not match its hash")]
    return []


def _broken_link(stream, pos, entry, entries, by_hash, last_seq):
    """The entry does not follow the one before it: say why, as far as one can tell."""
    seq, linked = entry["seq"], by_hash.get(entry["prev"])
    if linked is not None and linked > pos:
        return problem(stream, pos, seq, "reordered", f"it follows position {linked}")
    if linked is not None and linked < pos - 1:
        forks = [p for p in range(linked + 1, pos) if entries[p - 1].get("prev") == entry["prev"]]
        if forks:
            return problem(
                stream, forks[0], entries[forks[0] - 1].get("seq"), "inserted",
                f"not in the chain: position {pos} follows position {linked}",
            )  # fmt: skip
        return problem(stream, pos, seq, "reordered", f"it follows position {linked}")
    if seq > last_seq + 1:
        missing = f"{last_seq + 1}" + (f"..{seq - 1}" if seq - 1 > last_seq + 1 else "")
        return problem(stream, pos, seq, "removed", f"seq {missing} missing before it")
    return problem(
        stream, max(pos - 1, 1), seq - 1 if pos > 1 else seq, "changed",
        f"it is not the entry that position {pos} follows (changed or replaced)",
    )  # fmt: skip


def _against_checkpoints(stream, entries, checkpoints, public_key, last_seq):
    found = []
    by_seq = {e.get("seq"): pos for pos, e in enumerate(entries, 1)}
    for checkpoint in checkpoints:
        seq, at = checkpoint.get("seq"), checkpoint.get("at")
        if checkpoint.get("stream") != stream or not signed_by(
            public_key, checkpoint_payload(checkpoint), checkpoint.get("signature")
        ):
            found.append(problem(stream, None, seq, "bad_checkpoint", f"checkpoint of {at}"))
        elif not isinstance(seq, int) or seq > last_seq:
            found.append(
                problem(
                    stream,
                    None,
                    seq,
                    "truncated",
                    f"the trail ends at seq {last_seq}; the checkpoint of {at} covers seq {seq}",
                )  # fmt: skip
            )
        elif seq not in by_seq:
            found.append(problem(stream, None, seq, "removed", f"checkpointed at {at}"))
        elif entries[by_seq[seq] - 1].get("hash") != checkpoint.get("hash"):
            found.append(
                problem(stream, by_seq[seq], seq, "changed", f"not as checkpointed at {at}")
            )
    return found


def export_payload(document: dict) -> dict:
    """What an export's signature covers: everything but the signature."""
    return {k: v for k, v in document.items() if k != "signature"}


def verify_export(document, public_key):
    """-> the problems of an exported trail (the file's own signature included)."""
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        return [problem(None, None, None, "malformed", f"not a {FORMAT} file")]
    found = []
    if not signed_by(public_key, export_payload(document), document.get("signature")):
        found.append(problem(None, None, None, "bad_signature", "the file was changed"))
    for item in document.get("streams") or []:
        checkpoints = item.get("checkpoints") or []
        if not checkpoints:
            found.append(problem(item.get("stream"), None, None, "bad_checkpoint", "none"))
        found += verify_stream(
            item.get("stream"), item.get("entries") or [], checkpoints, public_key
        )
    return found
