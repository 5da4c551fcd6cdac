"""Issue #18, the tamper-evident trail through HTTP: a dossier's and a client's exported
trail verify offline with only the public key (GET /audit/public-key), by the verify
command in a process of its own; a changed byte is reported with its position; the
client's export shows the office's internal work as hashes only; staff who do not see
the dossier get 404."""

import json

from services.dossier.audit import client_actions
from tests.systems import verify_audit_file

from .staff_app import Office
from .test_clients import _client, activate


def verify(tmp_path, document, pem):
    """-> (exit code, output) of the verify command, given only the file and the key."""
    (tmp_path / "export.json").write_text(json.dumps(document))
    (tmp_path / "key.pem").write_text(pem)
    return verify_audit_file(tmp_path / "export.json", tmp_path / "key.pem")


def test_an_exported_trail_verifies_with_only_the_public_key(kluis, office, staff, tmp_path):
    client = _client(staff, office)
    dossier = staff.post(
        f"/clients/{client['id']}/dossiers", json={"number": "T-1", "description": "Spoor"}
    ).json()
    staff.get(f"/dossiers/{dossier['id']}")
    staff.patch(f"/dossiers/{dossier['id']}", json={"description": "Intern"})
    key = kluis.client().get("/audit/public-key")
    assert key.status_code == 200 and key.headers["Content-Type"].startswith(
        "application/x-pem-file"
    )
    assert key.text.startswith("-----BEGIN PUBLIC KEY-----")

    export = staff.get(f"/dossiers/{dossier['id']}/audit/export")
    assert export.status_code == 200, export.text
    assert export.headers["Content-Disposition"].startswith("attachment;")
    document = export.json()
    streams = {s["stream"]: s for s in document["streams"]}
    actions = [e["content"]["action"] for e in streams[f"dossier:{dossier['id']}"]["entries"]]
    assert actions == ["dossier_opened", "dossier_viewed", "dossier_updated"]
    assert verify(tmp_path, document, key.text) == (0, "OK: the trail is whole\n")

    streams[f"dossier:{dossier['id']}"]["entries"][1]["content"]["actor_id"] = "someone-else"
    code, output = verify(tmp_path, document, key.text)
    assert code == 1
    assert f"dossier:{dossier['id']}: position 2 (seq 2) changed" in output


def test_the_clients_export_hides_the_offices_internal_work(kluis, office, staff, tmp_path):
    client = _client(staff, office)
    dossier = staff.post(
        f"/clients/{client['id']}/dossiers", json={"number": "T-2", "description": "Spoor"}
    ).json()
    staff.patch(f"/dossiers/{dossier['id']}", json={"description": "Intern"})
    portal = activate(kluis, staff, client)
    portal.get(f"/dossiers/{dossier['id']}")
    document = portal.get("/me/audit/export").json()
    pem = kluis.client().get("/audit/public-key").text
    assert verify(tmp_path, document, pem) == (0, "OK: the trail is whole\n")
    entries = [e for s in document["streams"] for e in s["entries"]]
    shown = {e["content"]["action"] for e in entries if "content" in e}
    assert {"client_created", "dossier_opened", "dossier_viewed"} <= shown
    assert shown <= set(client_actions())
    assert any("content" not in e for e in entries)  # dossier_updated: as a hash only
    assert portal.get(f"/dossiers/{dossier['id']}/audit/export").status_code == 403


def test_staff_who_do_not_see_the_dossier_get_404(kluis, office, staff):
    client = _client(staff, office)
    dossier = staff.post(
        f"/clients/{client['id']}/dossiers", json={"number": "T-3", "description": "Spoor"}
    ).json()
    _other, rival = Office(kluis, office.admin).staffed("owner")
    assert rival.get(f"/dossiers/{dossier['id']}/audit/export").status_code == 404
    assert kluis.client().get(f"/dossiers/{dossier['id']}/audit/export").status_code == 401


def test_an_admin_signs_the_checkpoints_now(kluis, office, staff):
    """POST /audit/checkpoints: what the hourly timers do, now, in identity and dossier;
    only an admin. The dossier's stream then holds that checkpoint and the export's own
    one after the next entry."""
    client = _client(staff, office)
    dossier = staff.post(
        f"/clients/{client['id']}/dossiers", json={"number": "T-4", "description": "Spoor"}
    ).json()
    assert staff.post("/audit/checkpoints").status_code == 403
    assert kluis.client().post("/audit/checkpoints").status_code == 401
    answer = office.admin.post("/audit/checkpoints")
    assert answer.status_code == 200, answer.text
    signed = answer.json()["signed"]
    assert set(signed) == {"identity", "dossier"} and signed["dossier"] >= 1
    staff.patch(f"/dossiers/{dossier['id']}", json={"description": "Na de ronde"})
    document = staff.get(f"/dossiers/{dossier['id']}/audit/export").json()
    (stream,) = [s for s in document["streams"] if s["stream"] == f"dossier:{dossier['id']}"]
    seqs = [c["seq"] for c in stream["checkpoints"]]
    assert len(seqs) == 2 and seqs[0] < seqs[1] == stream["entries"][-1]["seq"]
