"""Issue #14, privacy: an office cannot attach someone else's portal account to itself
(an invitation is redeemed with the address it was sent to, a changed contact voids
it, and an existing account is linked only once its holder accepts); the client's own
trail shows what was done with their data, not the office's internal work; the main
account of two companies names the company it acts for. Through HTTP."""

import time

from .conftest import CLIENT_PASSWORD, link_token, unique_email
from .staff_app import Office
from .test_clients import _client, activate

LINK_SUBJECT = "wil uw Kluis koppelen"


def _eventually(check, timeout=20):
    deadline = time.monotonic() + timeout
    while not (result := check()):
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(0.1)
    return result


def _invite(kluis, staff, client, address=None):
    """Sends e-mail 1 and returns its link's token (read from `address`'s mailbox)."""
    address = address or client["email"]
    before = len(kluis.mail.messages(address))
    assert staff.post(f"/clients/{client['id']}/invitation").status_code == 202
    return link_token(kluis.mail.wait_for(address, count=before + 1)[before])


def _redeem(kluis, token, address):
    return kluis.client().post("/activation", json={"token": token, "email": address})


def _other_office(kluis, office):
    other = Office(kluis, office.admin)
    return other, other.staffed("owner")[1]


def test_an_office_cannot_redeem_its_own_invitation_for_someone_elses_account(kluis, office, staff):
    victim = _client(staff, office, name="Vera Slachtoffer")
    victims_portal = activate(kluis, staff, victim)
    rival_office, rival = _other_office(kluis, office)
    own_address = unique_email("kantoor")
    decoy = _client(rival, rival_office, name="Vera Slachtoffer", email=own_address)
    token = _invite(kluis, rival, decoy)  # the link arrives in the rival's own mailbox
    changed = rival.patch(f"/clients/{decoy['id']}", json={"email": victim["email"]})
    assert changed.status_code == 200
    refused = _redeem(kluis, token, victim["email"])
    assert refused.status_code == 400 and refused.json()["error"] == "invalid_token"
    assert _redeem(kluis, token, own_address).status_code == 400
    state = rival.get(f"/clients/{decoy['id']}/invitation").json()
    assert state["status"] == "not_invited" and state["confirmation_pending"] is False
    looking = rival.post(f"/clients/{decoy['id']}/look-along")
    assert looking.status_code == 409 and looking.json()["error"] == "not_invited"
    assert [c["office_id"] for c in victims_portal.get("/me/consents").json()["items"]] == [
        office.id
    ]
    assert victims_portal.get("/me/link-requests").json()["items"] == []


def test_a_changed_contact_voids_the_open_invitation_and_the_links_sent_to_it(kluis, office, staff):
    first_address = unique_email()
    client = _client(staff, office, email=first_address, mobile="06 12121212")
    token = _invite(kluis, staff, client)
    assert (
        staff.patch(f"/clients/{client['id']}", json={"mobile": "06 34343434"}).status_code == 200
    )
    assert staff.get(f"/clients/{client['id']}/invitation").json()["status"] == "not_invited"
    assert _redeem(kluis, token, first_address).status_code == 400
    # A fresh link, redeemed: e-mail 2 and the texted code go to the contact of then.
    token = _invite(kluis, staff, client)
    assert _redeem(kluis, token, first_address).status_code == 202
    password_link = link_token(kluis.mail.wait_for(first_address, count=3)[2])
    code = kluis.sms_code("+31634343434")
    second_address = unique_email()
    assert (
        staff.patch(f"/clients/{client['id']}", json={"email": second_address}).status_code == 200
    )
    late = kluis.client().post(
        "/activation/complete",
        json={"token": password_link, "password": CLIENT_PASSWORD, "sms_code": code},
    )
    assert late.status_code == 410 and late.json()["error"] == "token_used"
    assert _redeem(kluis, token, second_address).status_code == 400
    assert staff.get(f"/clients/{client['id']}/invitation").json()["status"] == "not_invited"
    assert staff.post(f"/clients/{client['id']}/look-along").status_code == 409
    portal = activate(kluis, staff, {**client, "email": second_address, "mobile": "+31634343434"})
    assert portal.get("/me").json()["email"] == second_address


def test_linking_an_existing_account_needs_its_holders_confirmation(kluis, office, staff):
    address = unique_email()
    portal = activate(kluis, staff, _client(staff, office, email=address))
    other_office, other = _other_office(kluis, office)
    record = _client(other, other_office, email=address)
    other.post(f"/clients/{record['id']}/dossiers", json={"number": "K-1", "description": "X"})
    assert _redeem(kluis, _invite(kluis, other, record), address).status_code == 202
    kluis.mail.wait_for(address, subject=LINK_SUBJECT)  # told where to answer
    state = other.get(f"/clients/{record['id']}/invitation").json()
    assert state["status"] == "sent" and state["confirmation_pending"] is True
    assert other.post(f"/clients/{record['id']}/look-along").status_code == 409
    assert [d["number"] for d in portal.get("/dossiers").json()["items"]] == []
    asked = portal.get("/me/link-requests").json()["items"]
    names = {o["id"]: o["name"] for o in other.get("/me").json()["offices"]}
    assert [(r["id"], r["office_name"]) for r in asked] == [(record["id"], names[other_office.id])]
    stranger = activate(kluis, staff, _client(staff, office))
    assert stranger.post(f"/me/link-requests/{record['id']}/accept").status_code == 404
    accepted = portal.post(f"/me/link-requests/{record['id']}/accept")
    assert accepted.status_code == 200 and accepted.json()["status"] == "accepted"
    assert other.get(f"/clients/{record['id']}/invitation").json()["status"] == "accepted"
    assert [d["number"] for d in portal.get("/dossiers").json()["items"]] == ["K-1"]
    assert other.post(f"/clients/{record['id']}/look-along").status_code == 200
    assert portal.post(f"/me/link-requests/{record['id']}/accept").status_code == 404
    actions = {e["action"] for e in portal.get("/me/audit").json()["items"]}
    assert {"link_requested", "invitation_accepted"} <= actions


def test_a_declined_link_request_links_nothing(kluis, office, staff):
    address = unique_email()
    portal = activate(kluis, staff, _client(staff, office, email=address))
    other_office, other = _other_office(kluis, office)
    record = _client(other, other_office, email=address)
    assert _redeem(kluis, _invite(kluis, other, record), address).status_code == 202
    declined = portal.post(f"/me/link-requests/{record['id']}/decline")
    assert declined.status_code == 200 and declined.json()["status"] == "not_invited"
    assert portal.get("/me/link-requests").json()["items"] == []
    assert other.get(f"/clients/{record['id']}/invitation").json()["status"] == "not_invited"
    assert other.post(f"/clients/{record['id']}/look-along").status_code == 409
    assert [c["office_id"] for c in portal.get("/me/consents").json()["items"]] == [office.id]


def test_the_clients_trail_shows_what_was_done_with_their_data_not_the_offices_work(
    kluis, office, staff
):
    client = _client(staff, office)
    dossier = staff.post(
        f"/clients/{client['id']}/dossiers", json={"number": "P-1", "description": "Aankoop"}
    ).json()
    portal = activate(kluis, staff, client)
    staff.post(f"/clients/{client['id']}/products", json={"kind": "mortgage"})
    application = staff.post(
        f"/clients/{client['id']}/mortgage-applications", json={"amount_cents": 30000000}
    ).json()
    staff.patch(f"/mortgage-applications/{application['id']}", json={"status": "rejected"})
    portal.post(f"/dossiers/{dossier['id']}/messages", json={"subject": "Vraag", "body": "Hoi"})
    task = _eventually(lambda: staff.get("/tasks").json()["items"])[0]
    assert staff.post(f"/tasks/{task['id']}/done").status_code == 200
    staff.get(f"/dossiers/{dossier['id']}")
    staff.post(f"/clients/{client['id']}/look-along")
    actions = {e["action"] for e in portal.get("/me/audit").json()["items"]}
    assert {"dossier_viewed", "look_along", "message_posted", "invitation_accepted"} <= actions
    internal = {
        "product_added",
        "mortgage_application_opened",
        "mortgage_application_rejected",
        "task_done",
        "dossier_updated",
    }
    assert not actions & internal
    office_trail = {
        e["action"] for e in staff.get(f"/dossiers/{dossier['id']}/audit").json()["items"]
    }
    assert "task_done" in office_trail  # still the office's own record


def test_the_main_account_of_two_companies_names_the_company(kluis, office, staff):
    address = unique_email()
    first = _client(staff, office, type="company", name="Alfa BV", email=address)
    main = activate(kluis, staff, first)
    other_office, other = _other_office(kluis, office)
    second = _client(other, other_office, type="company", name="Beta BV", email=address)
    assert _redeem(kluis, _invite(kluis, other, second), address).status_code == 202
    assert main.post(f"/me/link-requests/{second['id']}/accept").status_code == 200
    companies = main.get("/me").json()["companies"]
    assert [c["id"] for c in companies] == [first["id"], second["id"]]
    for _ in range(3):  # the same answer every time: never a company picked at random
        unnamed = main.get("/me/accounts")
        assert unnamed.status_code == 422 and unnamed.json()["error"] == "company_required"
        assert [c["id"] for c in unnamed.json()["details"]["companies"]] == [
            first["id"],
            second["id"],
        ]
    body = {"name": "Extra", "email": unique_email()}
    refused = main.post("/me/accounts", json=body)
    assert refused.status_code == 422 and refused.json()["error"] == "company_required"
    added = main.post("/me/accounts", json={**body, "company_id": second["id"]})
    assert added.status_code == 201 and added.json()["company_id"] == second["id"]
    of_second = main.get("/me/accounts", params={"company_id": second["id"]}).json()["items"]
    assert [a["id"] for a in of_second] == [added.json()["id"]]
    assert main.get("/me/accounts", params={"company_id": first["id"]}).json()["items"] == []
    assert main.get(f"/me/accounts/{added.json()['id']}").status_code == 200
    outsider = _client(staff, office, type="company", name="Gamma BV")
    assert main.get("/me/accounts", params={"company_id": outsider["id"]}).status_code == 404
    single = activate(kluis, staff, _client(staff, office, type="company", name="Delta BV"))
    assert single.get("/me/accounts").status_code == 200  # one company: it is implied
