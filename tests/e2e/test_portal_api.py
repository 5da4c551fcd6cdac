"""The API that the client's web portal relies on, through HTTP against whole systems:
GET /limits and /health/live; `X-Kluis-Background: 1` reads that do not keep a session
alive and the server's `now`; the portal's fields of /me; a client's own products,
mortgage applications and signing requests; the reason of a rejected delivery in
/actions; the set-password link that says an SMS code was sent; and the language a
client chose, which reaches every later e-mail."""

import re
import sqlite3
import time
from datetime import UTC, datetime, timedelta

from services.notify import templates
from tests import samples

from .conftest import CLIENT_PASSWORD, link_token, text_of
from .staff_app import Office
from .test_clients import _client, activate
from .test_documents import case, upload, wait_until  # noqa: F401  (case: the fixture)
from .test_signing import _signing_case

BACKGROUND = {"X-Kluis-Background": "1"}


def _when(text):
    return datetime.fromisoformat(text)


def _office_name(office):
    return f"Hypotheekhuis {office.partner_id}"


# -- limits and liveness ---------------------------------------------------------------------


def test_limits_and_liveness_answer_anyone(kluis):
    anyone = kluis.client()
    limits = anyone.get("/limits")
    assert limits.status_code == 200
    body = limits.json()
    assert body["max_upload_bytes"] == 50 * 1024 * 1024
    assert {".pdf", ".jpg"} <= set(body["upload_extensions"])
    assert body["uploads_in_flight"] == 4 and body["message_body_max"] == 500
    live = anyone.get("/health/live")
    assert live.status_code == 200 and live.json() == {"status": "ok"}


# -- the session clock -----------------------------------------------------------------------


def test_background_reads_do_not_move_the_session_clock_and_an_extension_does(kluis, case):
    """Ordinary requests count as activity to within ACTIVITY_WRITE_INTERVAL_S (30 s
    here), which tests/e2e/test_one_rpc_per_read.py shows on a short idle timeout; an
    extension is written at once."""
    portal = case["portal"]

    def expires_at():
        state = portal.get("/auth/session").json()
        return _when(state["expires_at"])

    start = portal.get("/auth/session").json()
    now = _when(start["now"])
    assert abs(now - datetime.now(UTC)) < timedelta(seconds=60)
    assert now < _when(start["warn_at"]) < _when(start["expires_at"])
    time.sleep(1.1)  # so that a moved clock shows (not timing anything)
    assert portal.get("/home", headers=BACKGROUND).status_code == 200
    assert portal.get("/dossiers", headers=BACKGROUND).status_code == 200
    assert expires_at() == _when(start["expires_at"])
    time.sleep(1.1)
    assert portal.post("/auth/session/extend").status_code == 200
    assert expires_at() > _when(start["expires_at"])
    later = portal.get("/auth/session").json()
    assert _when(later["now"]) > now


def test_a_portal_polling_in_the_background_lets_an_idle_session_expire(pg_kluis):
    """pg_kluis: idle timeout 3 s. Polls without end would keep it alive were they
    activity; the deadline is long enough for that to show."""
    portal = pg_kluis.client(pg_kluis.login(pg_kluis.create_client(), CLIENT_PASSWORD))
    assert portal.get("/home", headers=BACKGROUND).status_code == 200
    deadline = time.monotonic() + 20
    while (answer := portal.get("/home", headers=BACKGROUND)).status_code == 200:
        assert time.monotonic() < deadline, "background reads kept the session alive"
        time.sleep(0.3)
    assert answer.status_code == 401 and answer.json()["error"] == "session_expired"


# -- /me ------------------------------------------------------------------------------------


def test_me_says_second_factor_companies_and_read_only(kluis, office, staff):
    person = _client(staff, office)
    portal = activate(kluis, staff, person)
    me = portal.get("/me").json()
    assert (me["second_factor"], me["read_only"], me["look_along"], me["companies"]) == (
        None,
        False,
        None,
        [],
    )
    mobile = "+31644445555"
    assert portal.post("/me/2fa/sms", json={"mobile": "06 4444 5555"}).status_code == 202
    assert (
        portal.post("/me/2fa/sms/confirm", json={"code": kluis.sms_code(mobile)}).status_code == 200
    )
    assert portal.get("/me").json()["second_factor"] == "sms"

    company = _client(staff, office, type="company", name="Bakkerij de Korenschoof BV")
    main = activate(kluis, staff, company)
    expected = [
        {
            "id": company["id"],
            "name": "Bakkerij de Korenschoof BV",
            "office_id": office.id,
            "office_name": _office_name(office),
        }
    ]
    assert main.get("/me").json()["companies"] == expected


def test_a_look_along_session_says_so_and_names_the_office(kluis, office, staff):
    person = _client(staff, office)
    portal = activate(kluis, staff, person)
    looking = kluis.client(staff.post(f"/clients/{person['id']}/look-along").json()["token"])
    me = looking.get("/me").json()
    assert me["id"] == portal.get("/me").json()["id"]
    assert me["read_only"] is True
    assert me["look_along"] == {"office_id": office.id, "office_name": _office_name(office)}
    assert portal.get("/me").json()["look_along"] is None  # the client's own session


# -- the client's own products, applications and signing requests ---------------------------


def test_a_client_reads_their_own_products_and_nobody_elses(kluis, office, staff):
    mine = _client(staff, office)
    theirs = _client(staff, office, name="Els Anders")
    added = [
        staff.post(f"/clients/{mine['id']}/products", json=body).json()
        for body in (
            {
                "kind": "mortgage",
                "provider": "Kluis Bank",
                "number": "H-1",
                "amount_cents": 32500000,
                "start_date": "2024-05-01",
            },
            {"kind": "life_insurance", "provider": "Verzekeraar NV", "amount_cents": 2500000},
        )
    ]
    other = staff.post(
        f"/clients/{theirs['id']}/products", json={"kind": "mortgage", "provider": "Andere Bank"}
    ).json()
    portal = activate(kluis, staff, mine)
    listed = portal.get("/me/products")
    assert listed.status_code == 200
    items = listed.json()["items"]
    assert [p["id"] for p in items] == [added[1]["id"], added[0]["id"]]  # newest first
    assert items[1]["provider"] == "Kluis Bank" and items[1]["amount_cents"] == 32500000
    assert items[1]["start_date"] == "2024-05-01"
    assert {p["office_name"] for p in items} == {_office_name(office)}
    assert other["id"] not in [p["id"] for p in items]
    assert (
        activate(kluis, staff, theirs).get("/me/products").json()["items"][0]["id"] == other["id"]
    )
    refused = staff.get("/me/products")
    assert refused.status_code == 403 and refused.json()["error"] == "forbidden"
    assert kluis.admin().get("/me/products").status_code == 403


def test_products_of_two_offices_and_a_look_along_sees_its_own_only(kluis, office, staff):
    mine = _client(staff, office)
    portal = activate(kluis, staff, mine)
    here = staff.post(f"/clients/{mine['id']}/products", json={"kind": "mortgage"}).json()
    elsewhere_office = Office(kluis, office.admin)
    elsewhere = elsewhere_office.staffed("owner")[1]
    there_client = _client(elsewhere, elsewhere_office, email=mine["email"])
    there = elsewhere.post(
        f"/clients/{there_client['id']}/products", json={"kind": "life_insurance"}
    ).json()
    assert elsewhere.post(f"/clients/{there_client['id']}/invitation").status_code == 202
    invitation = kluis.mail.wait_for(mine["email"], count=4)[3]  # the 4th: this office's
    assert (
        kluis.client()
        .post("/activation", json={"token": link_token(invitation), "email": mine["email"]})
        .status_code
        == 202
    )
    assert portal.post(f"/me/link-requests/{there_client['id']}/accept").status_code == 200
    wait_until(
        lambda: (
            elsewhere.get(f"/clients/{there_client['id']}/invitation").json()["status"]
            == "accepted"
        )
    )
    both = {p["id"]: p["office_name"] for p in portal.get("/me/products").json()["items"]}
    assert both == {here["id"]: _office_name(office), there["id"]: _office_name(elsewhere_office)}
    looking = kluis.client(staff.post(f"/clients/{mine['id']}/look-along").json()["token"])
    assert [p["id"] for p in looking.get("/me/products").json()["items"]] == [here["id"]]


def test_a_client_follows_their_own_mortgage_applications(kluis, office, staff):
    mine, theirs = _client(staff, office), _client(staff, office, name="Els Anders")
    running = staff.post(
        f"/clients/{mine['id']}/mortgage-applications",
        json={"amount_cents": 30000000, "lender": "Kluis Bank"},
    ).json()
    approved = staff.post(
        f"/clients/{mine['id']}/mortgage-applications",
        json={"amount_cents": 20000000, "lender": "Kluis Bank"},
    ).json()
    decided = staff.patch(
        f"/mortgage-applications/{approved['id']}", json={"status": "approved"}
    ).json()
    other = staff.post(
        f"/clients/{theirs['id']}/mortgage-applications", json={"amount_cents": 10000000}
    ).json()
    portal = activate(kluis, staff, mine)
    items = portal.get("/mortgage-applications", params={"status": "all"}).json()["items"]
    assert {a["id"]: a["status"] for a in items} == {
        running["id"]: "running",
        approved["id"]: "approved",
    }
    assert all(a["office_name"] == _office_name(office) and a["updated_at"] for a in items)
    assert {a["id"]: a["updated_at"] for a in items}[approved["id"]] == decided["updated_at"]
    assert [a["id"] for a in portal.get("/mortgage-applications").json()["items"]] == [
        running["id"]
    ]  # running by default, as for staff
    assert portal.patch(
        f"/mortgage-applications/{running['id']}", json={"status": "withdrawn"}
    ).status_code in (403, 404)
    staff_view = {
        a["id"]
        for a in staff.get("/mortgage-applications", params={"status": "all"}).json()["items"]
    }
    assert {running["id"], approved["id"], other["id"]} <= staff_view
    assert other["id"] not in {a["id"] for a in items}
    _app, outsider = Office(kluis, office.admin).staffed("owner")
    assert not {running["id"], other["id"]} & {
        a["id"]
        for a in outsider.get("/mortgage-applications", params={"status": "all"}).json()["items"]
    }


def test_one_signing_request_is_seen_by_its_signer_and_its_office_only(kluis):
    case_ = _signing_case(kluis)
    other = _signing_case(kluis, name="Els Anders")
    staff, portal = case_["staff"], case_["portal"]
    offered = staff.post(
        f"/documents/{case_['document']['id']}/signing-requests",
        json={"signer_id": case_["client"]["id"]},
    ).json()
    path = f"/signing-requests/{offered['id']}"
    seen = portal.get(path)
    assert seen.status_code == 200
    assert {
        "id": offered["id"],
        "status": "pending",
        "document_id": case_["document"]["id"],
        "dossier_id": case_["dossier"]["id"],
    }.items() <= seen.json().items()
    assert seen.json()["signer"]["client_id"] == case_["client"]["id"]
    assert staff.get(path).json() == seen.json()
    for stranger in (other["portal"], other["staff"]):
        refused = stranger.get(path)
        assert refused.status_code == 404 and refused.json()["error"] == "not_found"
    assert portal.get("/signing-requests/no-such-request").status_code == 404
    assert (
        portal.post(f"{path}/sign", json={"full_name": "Jan Jansen", "agree": True}).status_code
        == 200
    )
    assert portal.get(path).json()["status"] == "signed"
    assert portal.get(path).json()["signed_document_id"]
    portal.put(f"/me/consents/{case_['office'].id}", json={"shared": False})
    assert staff.get(path).status_code == 404  # no consent: the office no longer sees it
    assert portal.get(path).status_code == 200


# -- actions ---------------------------------------------------------------------------------


def test_a_rejected_delivery_carries_its_reason_in_actions(kluis, case):
    staff, portal, dossier = case["staff"], case["portal"], case["dossier"]
    item = staff.post(
        f"/dossiers/{dossier['id']}/requests", json={"title": "Loonstrook", "deliver_by": "client"}
    ).json()

    def action():
        [found] = [a for a in portal.get("/actions").json()["items"] if a["id"] == item["id"]]
        return found

    assert (action()["type"], action()["status"], action()["reason"]) == (
        "document_request",
        "open",
        None,
    )
    assert (
        portal.post(
            f"/requests/{item['id']}/uploads", files={"file": ("loon.png", samples.png())}
        ).status_code
        == 201
    )
    assert (
        staff.post(
            f"/requests/{item['id']}/review",
            json={"decision": "reject", "reason": "Onleesbaar, graag een scherpe scan."},
        ).status_code
        == 200
    )
    assert (action()["status"], action()["reason"]) == (
        "rejected",
        "Onleesbaar, graag een scherpe scan.",
    )
    assert (
        portal.post(
            f"/requests/{item['id']}/uploads", files={"file": ("loon.pdf", samples.pdf("scherp"))}
        ).status_code
        == 201
    )
    assert item["id"] not in [a["id"] for a in portal.get("/actions").json()["items"]]


# -- e-mails ---------------------------------------------------------------------------------


def _set_password_link(kluis, staff, client):
    """E-mail 2's link, after the invitation and its confirmation."""
    assert staff.post(f"/clients/{client['id']}/invitation").status_code == 202
    first = link_token(kluis.mail.wait_for(client["email"])[0])
    assert (
        kluis.client()
        .post("/activation", json={"token": first, "email": client["email"]})
        .status_code
        == 202
    )
    second = kluis.mail.wait_for(client["email"], count=2)[1]
    links = re.findall(r"\S*/set-password\?\S+", text_of(second))
    assert links, text_of(second)
    return links[0], second


def test_the_set_password_link_says_when_a_code_was_texted(kluis, office, staff):
    public_url = kluis.system.env["KLUIS_PUBLIC_URL"].rstrip("/")
    with_mobile = _client(staff, office, mobile="06 39391717")  # a number no other test texts
    link, mail = _set_password_link(kluis, staff, with_mobile)
    assert re.fullmatch(
        re.escape(public_url) + r"/set-password\?token=[A-Za-z0-9_-]+&sms=1", link
    ), link
    done = kluis.client().post(
        "/activation/complete",
        json={
            "token": link_token(mail),
            "password": "Mijn-Kluis-2026",
            "sms_code": kluis.sms_code("+31639391717"),
        },
    )
    assert done.status_code == 200, done.text  # the token stops before `&sms=1`
    without = _client(staff, office)
    link, _ = _set_password_link(kluis, staff, without)
    assert re.fullmatch(re.escape(public_url) + r"/set-password\?token=[A-Za-z0-9_-]+", link), link
    assert "sms=" not in link


def _language_known_to_notify(kluis, account_id):
    with sqlite3.connect(kluis.system.var / "notify.db") as db:
        row = db.execute(
            "SELECT language FROM preferences WHERE account_id = ?", (account_id,)
        ).fetchone()
    return row[0] if row else None


def test_the_language_a_client_chose_reaches_every_later_email(kluis, office, staff):
    client = _client(staff, office)  # recorded by the office as Dutch
    assert client["language"] == "nl"
    portal = activate(kluis, staff, client)
    assert (
        kluis.mail.messages(client["email"])[2]["Subject"]
        == templates.render("activation_confirmed", "nl", {"name": client["name"]})[0]
    )
    dossier = staff.post(
        f"/clients/{client['id']}/dossiers", json={"number": "TAAL-1", "description": "Hypotheek"}
    ).json()
    changed = portal.patch("/me", json={"language": "en"})
    assert changed.status_code == 200 and changed.json()["language"] == "en"
    account_id = changed.json()["id"]
    wait_until(lambda: _language_known_to_notify(kluis, account_id) == "en")
    assert staff.get(f"/clients/{client['id']}").json()["language"] == "nl"  # unchanged

    news = {
        "name": client["name"],
        "office": _office_name(office),
        "dossier_number": "TAAL-1",
        "portal_url": kluis.system.env["KLUIS_PUBLIC_URL"],
    }
    assert (
        upload(
            staff,
            dossier["id"],
            samples.pdf("Offerte"),
            name="offerte.pdf",
            title="Offerte",
            public=True,
        ).status_code
        == 201
    )
    document_mail = kluis.mail.wait_for(client["email"], count=4)[3]
    assert (
        document_mail["Subject"]
        == templates.render("new_document", "en", {**news, "title": "Offerte"})[0]
    )
    assert (
        staff.post(
            f"/dossiers/{dossier['id']}/messages",
            json={"subject": "Uw offerte", "body": "Zie de bijlage."},
        ).status_code
        == 201
    )
    message_mail = kluis.mail.wait_for(client["email"], count=5)[4]
    assert (
        message_mail["Subject"]
        == templates.render("new_message", "en", {**news, "title": "Uw offerte"})[0]
    )
    assert (
        templates.render("new_message", "nl", {**news, "title": "Uw offerte"})[0]
        != message_mail["Subject"]
    )
