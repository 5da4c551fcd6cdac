"""docs/api.md "Documents and document requests" and the document counts of "Dossiers",
through HTTP against the whole system: encrypted storage, sharing, requests, review."""

import hashlib
import time

import pytest

from tests import samples

from .conftest import text_of
from .staff_app import Office
from .test_clients import _client, activate


def wait_until(check, timeout=20):
    deadline = time.monotonic() + timeout
    while not (result := check()):
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(0.1)
    return result


def eventually(read, expected, timeout=10):
    """`read()` once it equals `expected`, polled until a deadline: the counts per tab
    follow documents' events (dossier's read model, about a second behind)."""
    deadline = time.monotonic() + timeout
    while (got := read()) != expected:
        assert time.monotonic() < deadline, f"still {got!r}, not {expected!r}"
        time.sleep(0.05)
    return got


def tabs_of(who, dossier_id):
    return who.get(f"/dossiers/{dossier_id}").json()["tabs"]


def upload(who, dossier_id, content, name="stuk.pdf", category="document", public=None, **fields):
    data = {"category": category, **fields}
    if public is not None:
        data["public"] = "true" if public else "false"
    return who.post(
        f"/dossiers/{dossier_id}/documents",
        data=data,
        files={"file": (name, content, "application/octet-stream")},
    )


def blob_files(kluis):
    """The stored blobs (not the temporary files of transfers in progress)."""
    root = kluis.system.var / "blobs"
    return [p for p in root.rglob("*") if p.is_file() and p.relative_to(root).parts[0] != "tmp"]


@pytest.fixture
def case(kluis, office, staff):
    """An office with its owner, an activated client and a dossier."""
    client = _client(staff, office)
    portal = activate(kluis, staff, client)
    dossier = staff.post(
        f"/clients/{client['id']}/dossiers",
        json={"number": "D-1", "description": "Hypotheek Kerkstraat 4"},
    ).json()
    return {
        "office": office,
        "staff": staff,
        "client": client,
        "portal": portal,
        "dossier": dossier,
    }


def test_an_upload_is_stored_encrypted_and_comes_back_byte_for_byte(kluis, case):
    staff, dossier = case["staff"], case["dossier"]
    content = samples.pdf("Koopakte Kerkstraat 4")
    response = upload(
        staff, dossier["id"], content, name="../../Koopakte\u202e.exe", title="Koopakte"
    )
    assert response.status_code == 201, response.text
    document = response.json()
    assert document["sha256"] == hashlib.sha256(content).hexdigest()
    assert document["size"] == len(content) and document["content_type"] == "application/pdf"
    assert document["name"].endswith(".pdf") and "/" not in document["name"]
    assert "\u202e" not in document["name"] and document["public"] is False
    stored = blob_files(kluis)
    assert stored and not any(b"Koopakte Kerkstraat" in p.read_bytes() for p in stored)
    listed = staff.get(f"/dossiers/{dossier['id']}/documents").json()["items"]
    assert [(d["id"], d["downloaded"]) for d in listed] == [(document["id"], False)]
    got = staff.get(f"/documents/{document['id']}/content")
    assert got.status_code == 200 and got.content == content
    assert got.headers["Content-Disposition"].startswith("attachment;")
    assert got.headers["X-Content-Type-Options"] == "nosniff"
    assert got.headers["Content-Type"] == "application/pdf"
    listed = staff.get(f"/dossiers/{dossier['id']}/documents").json()["items"]
    assert listed[0]["downloaded"] is True


def test_the_public_toggle_decides_what_the_client_sees_at_once(kluis, case):
    staff, portal, dossier = case["staff"], case["portal"], case["dossier"]
    private = upload(staff, dossier["id"], samples.png(), name="foto.png").json()
    letter = upload(
        staff,
        dossier["id"],
        b"Beste klant,\nhierbij de offerte.\n",
        name="brief.txt",
        category="correspondence",
        public=True,
    ).json()
    assert letter["content_type"] == "text/plain"
    seen = [d["id"] for d in portal.get(f"/dossiers/{dossier['id']}/documents").json()["items"]]
    assert seen == [letter["id"]]
    assert portal.get(f"/documents/{private['id']}/content").status_code == 404
    mails = kluis.mail.wait_for(case["client"]["email"], count=4)  # 3 activation + new doc
    new_document = text_of(mails[3])
    assert "D-1" in new_document and ": brief.txt." in new_document, new_document
    assert staff.patch(f"/documents/{private['id']}", json={"public": True}).json()["public"]
    assert portal.get(f"/documents/{private['id']}/content").content == samples.png()
    assert staff.patch(f"/documents/{private['id']}", json={"public": False}).status_code == 200
    assert portal.get(f"/documents/{private['id']}/content").status_code == 404
    assert portal.patch(f"/documents/{letter['id']}", json={"public": False}).status_code == 403


def test_unread_counts_per_tab_follow_each_reader(case):
    staff, portal, dossier = case["staff"], case["portal"], case["dossier"]
    upload(staff, dossier["id"], samples.pdf(), public=True)
    second = upload(staff, dossier["id"], samples.pdf("twee"), public=True).json()
    upload(staff, dossier["id"], samples.pdf("brief"), category="correspondence", public=True)
    upload(staff, dossier["id"], samples.pdf("intern"))  # not public: not the client's
    eventually(
        lambda: tabs_of(portal, dossier["id"]),
        {
            "documents": {"total": 2, "unread": 2},
            "correspondence": {"total": 1, "unread": 1},
            "delivered_by_me": {"total": 0},
            "messages": {"total": 0, "unread": 0},
        },
    )
    portal.get(f"/documents/{second['id']}/content")
    eventually(
        lambda: portal.get("/dossiers").json()["items"][0]["unread"],
        {"documents": 1, "correspondence": 1, "messages": 0},
    )
    eventually(
        lambda: tabs_of(staff, dossier["id"])["documents"], {"total": 3, "unread": 0}
    )  # what they uploaded themselves is not news to them
    client_view = tabs_of(portal, dossier["id"])["documents"]
    assert client_view == {"total": 2, "unread": 1}  # each reader counts their own


def test_bad_files_are_refused_clearly_and_leave_nothing(kluis, case):
    staff, dossier = case["staff"], case["dossier"]
    for content, name in (
        (samples.exe(), "factuur.pdf"),
        (samples.gif(), "scan.pdf"),
        (b"", "leeg.pdf"),
        (b"PK\x03\x04" + b"\x00" * 60, "x.zip"),
    ):
        response = upload(staff, dossier["id"], content, name=name)
        assert response.status_code == 415, (name, response.text)
        assert response.json()["error"] == "unsupported_media_type"
    locked = upload(staff, dossier["id"], samples.pdf(encrypted=True), name="slot.pdf")
    assert locked.status_code == 422 and locked.json()["error"] == "pdf_encrypted"
    assert "wachtwoord" in locked.json()["message"]  # the staff member's language
    wrong = staff.post(f"/dossiers/{dossier['id']}/documents", json={"category": "document"})
    assert wrong.status_code == 415
    for data in (
        {"category": "geheim"},
        {"category": "document", "public": "misschien"},
        {"category": "document", "kleur": "rood"},
    ):
        response = staff.post(
            f"/dossiers/{dossier['id']}/documents",
            data=data,
            files={"file": ("a.pdf", samples.pdf())},
        )
        assert response.status_code == 400, data
    no_file = staff.post(
        f"/dossiers/{dossier['id']}/documents",
        data={"category": "document"},
        files={"other": ("a.pdf", samples.pdf())},
    )
    assert no_file.status_code == 400
    assert staff.get(f"/dossiers/{dossier['id']}/documents").json()["items"] == []


def test_a_chunked_upload_is_read_whole(case):
    staff, dossier = case["staff"], case["dossier"]
    content = samples.pdf("in stukjes") + b"%" + b"x" * 300_000
    boundary = "kluis-grens"
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="category"\r\n\r\n'
            f'document\r\n--{boundary}\r\nContent-Disposition: form-data; name="file"; '
            f'filename="groot.pdf"\r\nContent-Type: application/pdf\r\n\r\n'
        ).encode()
        + content
        + f"\r\n--{boundary}--\r\n".encode()
    )

    def pieces():
        for start in range(0, len(body), 7919):
            yield body[start : start + 7919]

    response = staff.post(
        f"/dossiers/{dossier['id']}/documents",
        data=pieces(),
        headers={"Content-Type": f"multipart/form-data; boundary={boundary}"},
    )
    assert response.status_code == 201, response.text
    assert response.json()["sha256"] == hashlib.sha256(content).hexdigest()


def test_another_office_sees_nothing_and_changes_nothing(kluis, case):
    other = Office(kluis, kluis.admin()).staffed("owner")[1]
    dossier = case["dossier"]
    document = upload(case["staff"], dossier["id"], samples.pdf(), public=True).json()
    item = (
        case["staff"]
        .post(
            f"/dossiers/{dossier['id']}/requests",
            json={"title": "Loonstrook", "deliver_by": "client"},
        )
        .json()
    )
    assert upload(other, dossier["id"], samples.pdf()).status_code == 404
    assert other.get(f"/dossiers/{dossier['id']}/documents").status_code == 404
    assert other.get(f"/documents/{document['id']}/content").status_code == 404
    assert other.patch(f"/documents/{document['id']}", json={"public": False}).status_code == 404
    assert other.get(f"/dossiers/{dossier['id']}/requests").status_code == 404
    assert (
        other.post(
            f"/requests/{item['id']}/uploads", files={"file": ("a.pdf", samples.pdf())}
        ).status_code
        == 404
    )
    assert (
        other.post(f"/requests/{item['id']}/review", json={"decision": "approve"}).status_code
        == 404
    )
    assert case["portal"].get(f"/documents/{document['id']}/content").status_code == 200


def test_a_request_goes_round_until_approved(kluis, case):
    staff, portal, dossier = case["staff"], case["portal"], case["dossier"]
    item = staff.post(
        f"/dossiers/{dossier['id']}/requests",
        json={"title": "Loonstrook januari", "deliver_by": "client", "due_date": "2026-12-31"},
    )
    assert item.status_code == 201 and item.json()["status"] == "open"
    item = item.json()
    actions = portal.get("/actions").json()["items"]
    assert {
        "type": "document_request",
        "id": item["id"],
        "dossier_id": dossier["id"],
        "title": "Loonstrook januari",
    }.items() <= actions[0].items()
    assert portal.get("/home").json()["actions"] == 1
    assert (
        staff.post(f"/requests/{item['id']}/review", json={"decision": "approve"}).json()["error"]
        == "request_not_uploaded"
    )
    delivered = portal.post(
        f"/requests/{item['id']}/uploads", files={"file": ("loon.png", samples.png())}
    )
    assert delivered.status_code == 201, delivered.text
    assert delivered.json()["category"] == "delivered_by_me"
    [mine] = portal.get(
        f"/dossiers/{dossier['id']}/documents", params={"category": "delivered_by_me"}
    ).json()["items"]
    assert mine["id"] == delivered.json()["id"]
    task = wait_until(
        lambda: [t for t in staff.get("/tasks").json()["items"] if t["request_id"] == item["id"]]
    )[0]
    assert task["type"] == "review_upload" and task["dossier_id"] == dossier["id"]
    assert (
        portal.post(f"/requests/{item['id']}/review", json={"decision": "approve"}).status_code
        == 403
    )
    assert (
        staff.post(f"/requests/{item['id']}/review", json={"decision": "reject"}).status_code == 400
    )
    rejected = staff.post(
        f"/requests/{item['id']}/review",
        json={"decision": "reject", "reason": "Onleesbaar, graag een scherpe scan."},
    )
    assert rejected.status_code == 200 and rejected.json()["status"] == "rejected"
    mails = kluis.mail.wait_for(case["client"]["email"], count=4)
    assert "Onleesbaar" in text_of(mails[3])
    assert portal.get("/actions").json()["items"][0]["id"] == item["id"]
    wait_until(
        lambda: (
            not [t for t in staff.get("/tasks").json()["items"] if t["request_id"] == item["id"]]
        )
    )
    again = portal.post(
        f"/requests/{item['id']}/uploads", files={"file": ("loon.pdf", samples.pdf("scherp"))}
    )
    assert again.status_code == 201
    assert (
        staff.post(f"/requests/{item['id']}/review", json={"decision": "approve"}).json()["status"]
        == "approved"
    )
    assert portal.get("/actions").json()["items"] == []
    closed = portal.post(
        f"/requests/{item['id']}/uploads", files={"file": ("loon.pdf", samples.pdf("nog een"))}
    )
    assert closed.status_code == 409 and closed.json()["error"] == "request_closed"


def test_lender_items_are_hidden_from_the_client_and_delivered_by_the_admin(kluis, case):
    staff, portal, dossier = case["staff"], case["portal"], case["dossier"]
    item = staff.post(
        f"/dossiers/{dossier['id']}/requests",
        json={"title": "Taxatierapport", "deliver_by": "lender"},
    ).json()
    assert portal.get(f"/dossiers/{dossier['id']}/requests").json()["items"] == []
    assert portal.get("/actions").json()["items"] == []
    assert (
        portal.post(
            f"/requests/{item['id']}/uploads", files={"file": ("t.pdf", samples.pdf())}
        ).status_code
        == 404
    )
    assert (
        staff.post(
            f"/requests/{item['id']}/uploads", files={"file": ("t.pdf", samples.pdf())}
        ).status_code
        == 403
    )
    admin = kluis.admin()
    assert item["id"] in [i["id"] for i in admin.get("/lender-requests").json()["items"]]
    delivered = admin.post(
        f"/requests/{item['id']}/uploads", files={"file": ("taxatie.pdf", samples.pdf("taxatie"))}
    )
    assert delivered.status_code == 201 and delivered.json()["public"] is False
    assert portal.get(f"/documents/{delivered.json()['id']}/content").status_code == 404
    assert [d["id"] for d in staff.get(f"/dossiers/{dossier['id']}/documents").json()["items"]] == [
        delivered.json()["id"]
    ]
    [listed] = staff.get(f"/dossiers/{dossier['id']}/requests").json()["items"]
    assert listed["status"] == "uploaded" and listed["deliver_by"] == "lender"


def test_uploads_downloads_reviews_and_visibility_are_audited(kluis, case):
    staff, portal, dossier = case["staff"], case["portal"], case["dossier"]
    document = upload(staff, dossier["id"], samples.pdf()).json()
    staff.patch(f"/documents/{document['id']}", json={"public": True})
    portal.get(f"/documents/{document['id']}/content")
    item = staff.post(
        f"/dossiers/{dossier['id']}/requests", json={"title": "ID-bewijs", "deliver_by": "client"}
    ).json()
    portal.post(f"/requests/{item['id']}/uploads", files={"file": ("id.png", samples.png())})
    staff.post(f"/requests/{item['id']}/review", json={"decision": "approve"})
    wanted = {
        "document_uploaded",
        "document_shown",
        "document_downloaded",
        "request_created",
        "request_approved",
    }

    def actions():
        entries = staff.get(f"/dossiers/{dossier['id']}/audit").json()["items"]
        return {e["action"] for e in entries} >= wanted and entries

    entries = wait_until(actions)
    downloads = [e for e in entries if e["action"] == "document_downloaded"]
    assert downloads[0]["actor"]["kind"] == "client" and downloads[0]["at"]
    mine = {e["action"] for e in portal.get("/me/audit").json()["items"]}
    assert "document_downloaded" in mine


def test_a_changed_byte_on_disk_is_detected_on_read(kluis, case):
    staff, dossier = case["staff"], case["dossier"]
    before = set(blob_files(kluis))
    document = upload(staff, dossier["id"], samples.pdf("geheim")).json()
    [blob] = [p for p in blob_files(kluis) if p not in before]
    raw = bytearray(blob.read_bytes())
    raw[-20] ^= 0x01
    blob.write_bytes(bytes(raw))
    response = staff.get(f"/documents/{document['id']}/content")
    assert response.status_code == 500 and response.json()["error"] == "blob_damaged"
