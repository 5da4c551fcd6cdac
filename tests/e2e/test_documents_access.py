"""Documents tried by everyone who should not: a client of another office, staff of
another office, a look-along session (reads, but changes nothing of the client's), and
direct RPC calls with those principals. And the same flow on PostgreSQL."""

import hashlib

import pytest
import requests
from nameko.exceptions import RemoteError

from services.common.errors import Forbidden, NotFound, ValidationFailed
from tests import samples

from .staff_app import Office
from .test_clients import _client, activate
from .test_documents import eventually, tabs_of, upload, wait_until


@pytest.fixture(scope="module")
def world(kluis):
    admin = kluis.admin()
    office_a, office_b = Office(kluis, admin), Office(kluis, admin)
    owner_a = office_a.staffed("owner")[1]
    owner_b = office_b.staffed("owner")[1]
    client = _client(owner_a, office_a)
    portal = activate(kluis, owner_a, client)
    dossier = owner_a.post(
        f"/clients/{client['id']}/dossiers", json={"number": "A-1", "description": "Geheim"}
    ).json()
    public = upload(owner_a, dossier["id"], samples.pdf("openbaar"), public=True).json()
    private = upload(owner_a, dossier["id"], samples.pdf("intern")).json()
    item = owner_a.post(
        f"/dossiers/{dossier['id']}/requests", json={"title": "Loonstrook", "deliver_by": "client"}
    ).json()
    client_b = activate(kluis, owner_b, _client(owner_b, office_b))
    return {
        "owner_a": owner_a,
        "owner_b": owner_b,
        "client": client,
        "portal": portal,
        "client_b": client_b,
        "dossier": dossier,
        "public": public,
        "private": private,
        "item": item,
    }


def _attempts(w):
    d, p, i = w["dossier"]["id"], w["public"]["id"], w["item"]["id"]
    return [
        ("GET", f"/dossiers/{d}/documents", {}),
        ("GET", f"/documents/{p}/content", {}),
        ("PATCH", f"/documents/{p}", {"json": {"public": False}}),
        ("GET", f"/dossiers/{d}/requests", {}),
        ("POST", f"/dossiers/{d}/requests", {"json": {"title": "X", "deliver_by": "client"}}),
        ("POST", f"/requests/{i}/review", {"json": {"decision": "approve"}}),
        (
            "POST",
            f"/dossiers/{d}/documents",
            {"data": {"category": "document"}, "files": {"file": ("a.pdf", samples.pdf())}},
        ),
        ("POST", f"/requests/{i}/uploads", {"files": {"file": ("a.pdf", samples.pdf())}}),
    ]


@pytest.mark.parametrize("attacker", ["owner_b", "client_b"])
def test_another_office_and_its_clients_get_404_everywhere(world, attacker):
    for method, path, kwargs in _attempts(world):
        response = world[attacker].request(method, path, **kwargs)
        if response.status_code == 403 and attacker == "client_b":
            # staff-only work refused by who asks, whatever the id: nothing leaks
            for known in (world["dossier"]["id"], world["public"]["id"], world["item"]["id"]):
                path = path.replace(known, "00000000-0000-0000-0000-000000000000")
            assert world[attacker].request(method, path, **kwargs).status_code == 403
            continue
        assert response.status_code == 404, (attacker, method, path, response.text)
    listed = world["owner_a"].get(f"/dossiers/{world['dossier']['id']}/documents").json()
    assert {d["id"]: d["public"] for d in listed["items"]}[world["public"]["id"]] is True


def test_direct_rpc_with_another_offices_principal_fails_like_http(kluis, world):
    stranger = kluis.principal_of(world["owner_b"])
    with kluis.rpc(stranger) as rpc:
        for call in (
            lambda: rpc.documents.list_documents(world["dossier"]["id"]),
            lambda: rpc.documents.open_download(world["public"]["id"]),
            lambda: rpc.documents.set_document_visibility(world["public"]["id"], False),
            lambda: rpc.documents.begin_document_upload(world["dossier"]["id"]),
            lambda: rpc.documents.review_request(world["item"]["id"], "approve"),
        ):
            with pytest.raises((NotFound, RemoteError)) as raised:
                call()
            assert getattr(raised.value, "code", None) == "not_found" or "NotFound" in str(
                raised.value
            )
    with kluis.rpc(kluis.admin_principal()) as rpc:
        with pytest.raises((NotFound, Forbidden, RemoteError)):
            rpc.documents.list_documents(world["dossier"]["id"])


def test_look_along_reads_as_the_client_but_marks_and_changes_nothing(kluis, world):
    owner_a, portal = world["owner_a"], world["portal"]
    looking = kluis.client(
        owner_a.post(f"/clients/{world['client']['id']}/look-along").json()["token"]
    )
    d = world["dossier"]["id"]
    seen = [x["id"] for x in looking.get(f"/dossiers/{d}/documents").json()["items"]]
    assert world["public"]["id"] in seen and world["private"]["id"] not in seen
    assert looking.get(f"/documents/{world['public']['id']}/content").content == samples.pdf(
        "openbaar"
    )
    mine = {
        x["id"]: x["downloaded"] for x in portal.get(f"/dossiers/{d}/documents").json()["items"]
    }
    assert mine[world["public"]["id"]] is False  # the client has not read it yet
    refused = looking.post(
        f"/requests/{world['item']['id']}/uploads", files={"file": ("a.pdf", samples.pdf())}
    )
    assert refused.status_code == 403 and refused.json()["error"] == "read_only_session"
    trail = wait_until(
        lambda: [
            e
            for e in owner_a.get(f"/dossiers/{d}/audit").json()["items"]
            if e["action"] == "document_downloaded (look-along)"
        ]
    )
    assert trail[0]["actor"]["kind"] == "staff"


def test_documents_and_requests_on_postgresql(pg_kluis):
    """Its sessions idle out after 3 s: everyone signs in again where the test waits."""
    office = Office(pg_kluis, pg_kluis.admin())
    app, owner = office.staffed("owner")
    client = _client(owner, office, name="Piet Postgres")
    activate(pg_kluis, owner, client)
    owner = pg_kluis.client(app.login().json()["token"])
    portal = pg_kluis.client(pg_kluis.login(client["email"], "Mijn-Kluis-2026"))
    dossier = owner.post(
        f"/clients/{client['id']}/dossiers", json={"number": "PG-1", "description": "Postgres"}
    ).json()
    content = samples.pdf("op postgres")
    document = upload(owner, dossier["id"], content, public=True).json()
    assert portal.get(f"/documents/{document['id']}/content").content == content
    assert hashlib.sha256(content).hexdigest() == document["sha256"]
    item = owner.post(
        f"/dossiers/{dossier['id']}/requests", json={"title": "Jaaropgave", "deliver_by": "client"}
    ).json()
    assert (
        portal.post(
            f"/requests/{item['id']}/uploads", files={"file": ("j.png", samples.png())}
        ).status_code
        == 201
    )
    wait_until(
        lambda: [t for t in owner.get("/tasks").json()["items"] if t["request_id"] == item["id"]]
    )
    assert (
        owner.post(f"/requests/{item['id']}/review", json={"decision": "approve"}).json()["status"]
        == "approved"
    )
    portal = pg_kluis.client(pg_kluis.login(client["email"], "Mijn-Kluis-2026"))
    eventually(
        lambda: {
            k: v
            for k, v in tabs_of(portal, dossier["id"]).items()
            if k in ("documents", "delivered_by_me")
        },  # the download counts
        {"documents": {"total": 1, "unread": 0}, "delivered_by_me": {"total": 1}},
    )


def test_a_lender_delivery_stays_hidden_and_out_of_the_clients_trail(kluis, world):
    owner_a, portal, d = world["owner_a"], world["portal"], world["dossier"]["id"]
    item = owner_a.post(
        f"/dossiers/{d}/requests", json={"title": "Taxatierapport", "deliver_by": "lender"}
    ).json()
    delivered = (
        kluis.admin()
        .post(
            f"/requests/{item['id']}/uploads",
            files={"file": ("taxatie.pdf", samples.pdf("taxatie"))},
        )
        .json()
    )
    shown = owner_a.patch(f"/documents/{delivered['id']}", json={"public": True})
    assert shown.status_code == 409 and shown.json()["error"] == "visibility_fixed"
    assert portal.get(f"/documents/{delivered['id']}/content").status_code == 404
    wait_until(
        lambda: (
            item["id"]
            in {e["object"]["id"] for e in owner_a.get(f"/dossiers/{d}/audit").json()["items"]}
        )
    )
    mine = {e["object"]["id"] for e in portal.get("/me/audit").json()["items"]}
    assert item["id"] not in mine and delivered["id"] not in mine
    assert world["public"]["id"] in mine  # what the client does see is in their trail


def test_a_body_that_never_reaches_its_boundary_is_refused_without_piling_up(world):
    def endless():
        for _ in range(64):  # 4 MiB of a "preamble" with no boundary in it
            yield b"z" * 65536

    response = world["owner_a"].post(
        f"/dossiers/{world['dossier']['id']}/documents",
        data=endless(),
        headers={"Content-Type": "multipart/form-data; boundary=nooit"},
    )
    assert response.status_code == 413 and response.json()["error"] == "request_too_large"


def test_a_retried_finish_gets_the_same_document_not_a_second_one(kluis, world):
    """RPC is at-least-once: finishing an upload twice (a redelivered call) answers the
    document it made the first time."""
    owner = kluis.principal_of(world["owner_a"])
    content = samples.pdf("twee keer")
    with kluis.rpc(owner) as rpc:
        grant = rpc.documents.begin_document_upload(world["dossier"]["id"])
        address = kluis.system.env["DOCUMENTS_BLOB_ADDRESS"]
        stored = requests.put(
            f"http://{address}/blobs/{grant['upload_id']}",
            data=content,
            headers={"X-Upload-Ticket": grant["ticket"]},
            timeout=30,
        )
        assert stored.status_code == 201
        again = requests.put(
            f"http://{address}/blobs/{grant['upload_id']}",
            data=content,
            headers={"X-Upload-Ticket": grant["ticket"]},
            timeout=30,
        )
        assert again.status_code == 409  # a ticket sends bytes once
        first = rpc.documents.finish_upload(
            grant["upload_id"], file_name="a.pdf", category="document"
        )
        second = rpc.documents.finish_upload(
            grant["upload_id"], file_name="a.pdf", category="document"
        )
    assert first["id"] == second["id"]
    ids = [
        x["id"]
        for x in world["owner_a"]
        .get(f"/dossiers/{world['dossier']['id']}/documents")
        .json()["items"]
    ]
    assert ids.count(first["id"]) == 1


def test_finish_refuses_what_it_does_not_finish_and_keeps_the_upload(kluis, world):
    """An attachment waits for its message, and a staff document needs one of its two
    categories: both are refused (validation_error) and the stored upload stays, to be
    finished rightly afterwards."""
    address = kluis.system.env["DOCUMENTS_BLOB_ADDRESS"]
    with kluis.rpc(kluis.principal_of(world["owner_a"])) as rpc:
        grants = {
            "attachment": rpc.documents.begin_attachment_upload(world["dossier"]["id"]),
            "document": rpc.documents.begin_document_upload(world["dossier"]["id"]),
        }
        for grant in grants.values():
            stored = requests.put(
                f"http://{address}/blobs/{grant['upload_id']}",
                data=samples.pdf("niet zo"),
                headers={"X-Upload-Ticket": grant["ticket"]},
                timeout=30,
            )
            assert stored.status_code == 201
        for kind, category, field in (
            ("attachment", "document", "upload_id"),
            ("document", "delivered_by_me", "category"),
        ):
            with pytest.raises(ValidationFailed) as raised:
                rpc.documents.finish_upload(
                    grants[kind]["upload_id"], file_name="n.pdf", category=category
                )
            assert list(raised.value.details) == [field]
        kept = rpc.documents.keep_attachment(grants["attachment"]["upload_id"], "n.pdf")
        document = rpc.documents.finish_upload(
            grants["document"]["upload_id"], file_name="n.pdf", category="correspondence"
        )
    assert kept["id"] == grants["attachment"]["upload_id"]
    assert document["category"] == "correspondence"


def test_the_blob_endpoint_moves_bytes_only_with_a_fresh_ticket_of_its_own(kluis, world):
    """Upload and download tickets: missing, wrong (another transfer's) and replayed
    are refused, and a refused try does not spend the right ticket."""
    blobs = f"http://{kluis.system.env['DOCUMENTS_BLOB_ADDRESS']}/blobs"
    content = samples.pdf("met kaartje")
    with kluis.rpc(kluis.principal_of(world["owner_a"])) as rpc:
        grant, other = (
            rpc.documents.begin_document_upload(world["dossier"]["id"]) for _ in range(2)
        )

        def put(headers):
            return requests.put(
                f"{blobs}/{grant['upload_id']}", data=content, headers=headers, timeout=30
            )

        for refused in (put({}), put({"X-Upload-Ticket": other["ticket"]})):
            assert (refused.status_code, refused.json()["error"]) == (409, "upload_expired")
        assert put({"X-Upload-Ticket": grant["ticket"]}).status_code == 201
        assert put({"X-Upload-Ticket": grant["ticket"]}).status_code == 409
        rpc.documents.discard_upload(other["upload_id"])
        document = rpc.documents.finish_upload(
            grant["upload_id"], file_name="k.pdf", category="document"
        )
        ticket, spare = (rpc.documents.open_download(document["id"])["ticket"] for _ in range(2))

    def get(headers):
        return requests.get(f"{blobs}/content", headers=headers, timeout=30)

    for refused in (get({}), get({"X-Download-Ticket": grant["ticket"]})):
        assert (refused.status_code, refused.json()["error"]) == (404, "not_found")
    got = get({"X-Download-Ticket": ticket})
    assert got.status_code == 200 and got.content == content
    replayed = get({"X-Download-Ticket": ticket})
    assert (replayed.status_code, replayed.json()["error"]) == (404, "not_found")
    assert get({"X-Download-Ticket": spare}).content == content


def test_one_account_cannot_hold_every_upload_worker(kluis, world):
    """Each transfer holds one of documents's workers: at most four under way per
    account, then 429 with Retry-After (a slow sender cannot starve everyone else)."""
    portal = world["portal"]
    client = kluis.principal_of(portal)
    item = (
        world["owner_a"]
        .post(
            f"/dossiers/{world['dossier']['id']}/requests",
            json={"title": "Bankafschrift", "deliver_by": "client"},
        )
        .json()
    )
    with kluis.rpc(client) as rpc:
        grants = [rpc.documents.begin_request_upload(item["id"]) for _ in range(4)]
    refused = portal.post(
        f"/requests/{item['id']}/uploads", files={"file": ("b.pdf", samples.pdf())}
    )
    assert refused.status_code == 429 and refused.json()["error"] == "rate_limited"
    assert int(refused.headers["Retry-After"]) > 0
    with kluis.rpc(client) as rpc:
        rpc.documents.discard_upload(grants[0]["upload_id"])
    assert (
        portal.post(
            f"/requests/{item['id']}/uploads", files={"file": ("b.pdf", samples.pdf())}
        ).status_code
        == 201
    )
