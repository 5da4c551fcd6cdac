"""Issue #18, the right of access and portability (AVG art. 15 and 20): a client's
export holds every item the API shows that client and nothing else, arrives by e-mail,
downloads once, and expires. Through HTTP, on a system of its own (short expiry)."""

import hashlib
import io
import json
import time
import zipfile
from datetime import timedelta

import pytest

from services.common.db import utcnow
from services.common.store import unit_of_work
from services.documents import client_keys, exports
from services.documents.exceptions import BlobShredded
from services.documents.models import Export, metadata
from services.documents.sealing import Keyring
from services.documents.storage import BlobStore, FolderStorage
from tests import samples

from .conftest import Kluis, start_system
from .staff_app import Office
from .test_clients import _client, activate
from .test_documents import upload
from .test_paging import documents_table

TTL_S = 8
READY_SUBJECT = "Uw gegevens staan klaar"


@pytest.fixture(scope="module")
def kluis(tmp_path_factory, vhosts):
    system = start_system(
        tmp_path_factory, vhosts, "export", EXPORT_POLL_S="1", EXPORT_TTL_S=str(TTL_S)
    )
    yield Kluis(system)
    system.stop_all()


def _eventually(check, timeout=30):
    deadline = time.monotonic() + timeout
    while not (result := check()):
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(0.2)
    return result


def _items(who, path):
    response = who.get(path, params={"limit": 200})
    assert response.status_code == 200, response.text
    return response.json()["items"]


@pytest.fixture(scope="module")
def world(kluis):
    admin = kluis.admin()
    office, other_office = Office(kluis, admin), Office(kluis, admin)
    staff = office.staffed("owner")[1]
    other_staff = other_office.staffed("owner")[1]
    client = _client(staff, office, name="Jan Jansen")
    portal = activate(kluis, staff, client)
    dossier = staff.post(
        f"/clients/{client['id']}/dossiers", json={"number": "EX-1", "description": "Huis"}
    ).json()
    shown = upload(staff, dossier["id"], samples.pdf("openbaar"), "offerte.pdf", public=True)
    hidden = upload(staff, dossier["id"], samples.pdf("intern"), "intern.pdf").json()
    item = staff.post(
        f"/dossiers/{dossier['id']}/requests", json={"title": "Loonstrook", "deliver_by": "client"}
    ).json()
    lender = staff.post(
        f"/dossiers/{dossier['id']}/requests", json={"title": "Taxatie", "deliver_by": "lender"}
    ).json()
    files = {"file": ("loonstrook.pdf", samples.pdf("loon"), "application/pdf")}
    assert portal.post(f"/requests/{item['id']}/uploads", files=files).status_code == 201
    message = {"subject": "Welkom", "body": "Fijn dat u er bent."}
    assert staff.post(f"/dossiers/{dossier['id']}/messages", json=message).status_code == 201
    _questionnaire(staff, portal, dossier)
    _signature(staff, portal, client, dossier)
    stranger = activate(kluis, other_staff, _client(other_staff, other_office, name="Els Ander"))
    elsewhere = other_staff.get("/dossiers", params={"status": "all"}).json()["items"]
    return {
        "portal": portal,
        "client": client,
        "staff": staff,
        "office": office,
        "dossier": dossier,
        "shown": shown.json(),
        "secrets": [hidden["id"], lender["id"], *(d["id"] for d in elsewhere)],
        "stranger": stranger,
    }


def _questionnaire(staff, portal, dossier):
    template = {
        "title": "Intake",
        "pages": [
            {
                "title": "Werk",
                "questions": [
                    {"key": "employer", "label": "Werkgever", "type": "text", "required": True}
                ],
            }
        ],
    }
    template_id = staff.post("/questionnaire-templates", json=template).json()["id"]
    assigned = staff.post(
        f"/dossiers/{dossier['id']}/questionnaires", json={"template_id": template_id}
    ).json()
    saved = portal.put(
        f"/questionnaires/{assigned['id']}/pages/1", json={"answers": {"employer": "Bakkerij"}}
    )
    assert saved.status_code == 200, saved.text


def _signature(staff, portal, client, dossier):
    document = upload(staff, dossier["id"], samples.pdf("koop"), "koop.pdf").json()
    offered = staff.post(
        f"/documents/{document['id']}/signing-requests", json={"signer_id": client["id"]}
    ).json()
    signed = portal.post(
        f"/signing-requests/{offered['id']}/sign", json={"full_name": "Jan Jansen", "agree": True}
    )
    assert signed.status_code == 200, signed.text


def _ready(who):
    return _eventually(lambda: who.get("/me/export").json()["status"] == "ready")


def _download(who):
    response = who.get("/me/export/content")
    assert response.status_code == 200, response.text
    assert response.headers["Content-Type"] == "application/zip"
    return zipfile.ZipFile(io.BytesIO(response.content))


def _what_the_api_shows(portal):
    dossiers = _items(portal, "/dossiers?status=all")
    shows = {"documents": {}, "requests": set(), "messages": set(), "questionnaires": {}}
    for dossier in dossiers:
        for document in _items(portal, f"/dossiers/{dossier['id']}/documents"):
            shows["documents"][document["id"]] = document["sha256"]
        shows["requests"] |= {
            r["id"] for r in _items(portal, f"/dossiers/{dossier['id']}/requests")
        }
        shows["messages"] |= {
            m["id"] for m in _items(portal, f"/dossiers/{dossier['id']}/messages")
        }
        for q in _items(portal, f"/dossiers/{dossier['id']}/questionnaires"):
            shows["questionnaires"][q["id"]] = portal.get(f"/questionnaires/{q['id']}").json()
    shows["dossiers"] = {d["id"] for d in dossiers}
    return shows


def test_the_export_holds_what_the_client_sees_and_nothing_else(kluis, world):
    portal = world["portal"]
    assert portal.get("/me/export").status_code == 404
    asked = portal.post("/me/export")
    assert asked.status_code == 202 and asked.json()["status"] in ("preparing", "ready")
    again = portal.post("/me/export")  # while preparing: the same one, no second build
    assert again.status_code == 202 and again.json()["requested_at"] == asked.json()["requested_at"]
    _ready(portal)
    mail = kluis.mail.wait_for(world["client"]["email"], subject=READY_SUBJECT)[0]
    assert "Mijn gegevens" in mail.get_body(preferencelist=("plain",)).get_content()
    archive = _download(portal)
    data = {
        name[len("data/") : -len(".json")]: json.loads(archive.read(name))
        for name in archive.namelist()
        if name.startswith("data/")
    }
    shows = _what_the_api_shows(portal)
    me = portal.get("/me").json()
    assert (data["profile"]["id"], data["profile"]["email"]) == (me["id"], me["email"])
    assert data["consents"] == _items(portal, "/me/consents")
    assert {d["id"] for d in data["dossiers"]} == shows["dossiers"]
    listed = [doc for d in data["dossiers"] for doc in d["documents"]]
    assert {doc["id"]: doc["sha256"] for doc in listed} == shows["documents"]
    files = [n for n in archive.namelist() if n.startswith("documents/")]
    assert len(files) == len(shows["documents"]) and world["shown"]["id"] in shows["documents"]
    for doc in listed:
        assert hashlib.sha256(archive.read(doc["file"])).hexdigest() == doc["sha256"]
    assert {r["id"] for d in data["dossiers"] for r in d["requests"]} == shows["requests"]
    assert {m["id"] for d in data["dossiers"] for m in d["messages"]} == shows["messages"]
    questionnaires = {q["id"]: q for d in data["dossiers"] for q in d["questionnaires"]}
    assert questionnaires == shows["questionnaires"]
    signatures = _items(portal, "/signing-requests")
    assert [s["id"] for s in data["signatures"]] == [s["id"] for s in signatures]
    for signature in data["signatures"]:
        evidence = portal.get(f"/signing-requests/{signature['id']}/evidence").json()
        assert signature["evidence"] == evidence
    trail = _items(portal, "/me/audit")
    assert data["audit"] and all(entry in trail for entry in data["audit"])
    everything = b"".join(archive.read(name) for name in archive.namelist() if "data/" in name)
    for secret in world["secrets"]:
        assert secret.encode() not in everything


def test_it_downloads_once_and_the_download_is_audited(kluis, world):
    portal = world["stranger"]
    assert portal.post("/me/export").status_code == 202
    _ready(portal)
    assert _download(portal).namelist()
    refused = portal.get("/me/export/content")
    assert refused.status_code == 410 and refused.json()["error"] == "export_gone"
    assert portal.get("/me/export").json()["status"] == "downloaded"
    actions = [entry["action"] for entry in _items(portal, "/me/audit")]
    assert "export_downloaded" in actions
    # and in the signed file of their trail, in full (it was in a stream of all clients'
    # such entries before, which the client's file did not hold)
    signed = portal.get("/me/audit/export").json()
    shown = [e["content"] for s in signed["streams"] for e in s["entries"] if "content" in e]
    assert "export_downloaded" in [entry["action"] for entry in shown]
    too_soon = portal.post("/me/export")
    assert too_soon.status_code == 429 and too_soon.json()["error"] == "rate_limited"
    assert int(too_soon.headers["Retry-After"]) > 0


def test_only_the_client_themself_and_an_expired_export_is_gone(kluis, world):
    staff = world["staff"]
    assert staff.post("/me/export").status_code == 403
    look = staff.post(f"/clients/{world['client']['id']}/look-along").json()["token"]
    looking = kluis.client(look)
    for method, path in (
        ("POST", "/me/export"),
        ("GET", "/me/export"),
        ("GET", "/me/audit/export"),
    ):
        refused = looking.request(method, path)
        assert refused.status_code == 403 and refused.json()["error"] == "read_only_session"
    # the first test's export was downloaded; an unused one of a fresh client expires
    fresh = activate(kluis, staff, _client(staff, world["office"], name="Kees Vers"))
    assert fresh.post("/me/export").status_code == 202
    _ready(fresh)
    _eventually(lambda: fresh.get("/me/export").json()["status"] == "expired", timeout=TTL_S + 10)
    gone = fresh.get("/me/export/content")
    assert gone.status_code == 410 and gone.json()["error"] == "export_gone"


class _DocumentsDb:
    """documents's own database, where its blob endpoint finds the keys."""

    def __init__(self, kluis):
        self.engine = documents_table(kluis)

    def unit_of_work(self):
        return unit_of_work(self.engine, "documents", metadata.tables["outbox"])


def _opens(kluis, db, copy):
    """-> the plaintext of a sealed copy of an export's blob (a backup, an old S3
    version), opened with the deployment's KEK and documents's keys."""
    keyring = Keyring.from_config(None, None, kluis.system.var)
    restored = BlobStore(FolderStorage(copy.parent.parent), keyring)
    return b"".join(restored.read(copy.name, client_keys.key_reader(db, keyring)))


def test_a_copy_of_the_file_opens_no_more_once_the_export_is_gone(kluis, world, tmp_path):
    staff = world["staff"]
    portal = activate(kluis, staff, _client(staff, world["office"], name="Bea Kopie"))
    account_id = portal.get("/me").json()["id"]
    assert portal.post("/me/export").status_code == 202
    _ready(portal)
    db = _DocumentsDb(kluis)
    with db.unit_of_work() as uow:
        export_id = exports.latest(uow, account_id).id
    stored = kluis.system.var / "blobs" / export_id[:2] / export_id
    assert stored.read_bytes()[:7] == b"KLBLOB\x02"  # under a key, not the KEK itself
    copy = tmp_path / "aside" / export_id[:2] / export_id
    copy.parent.mkdir(parents=True)
    copy.write_bytes(stored.read_bytes())
    downloaded = portal.get("/me/export/content")
    assert downloaded.status_code == 200
    assert _opens(kluis, db, copy) == downloaded.content

    with db.unit_of_work() as uow:  # the transfer in flight had its minutes
        export = uow.session.get(Export, export_id)
        export.downloaded_at = utcnow() - exports.KEEP_DOWNLOADED - timedelta(seconds=1)
    _eventually(lambda: not stored.exists())

    with pytest.raises(BlobShredded):
        _opens(kluis, db, copy)
    db.engine.dispose()
