"""Issue #14, privacy, in the portal: an office that redeemed its invitation with an
existing account is shown on Home until the client accepts or declines; the main
account of two companies chooses the company whose extra accounts it manages."""
from playwright.sync_api import expect

from tests.e2e.staff_app import Office
from tests.systems import link_token

from .conftest import PHONE, assert_accessible, screenshot
from .scenario import Case
from .test_dossiers import signed_in
from .test_login import nav


def asking_office(kluis, case, kind="person", name="Jan Jansen"):
    """Another office records the client's address, invites it and the client redeems
    the link: -> (office name, its staff session, its record)."""
    office = Office(kluis, kluis.admin())
    staff = office.staffed("owner")[1]
    record = staff.post(f"/offices/{office.id}/clients", json={
        "type": kind, "name": name, "email": case.email}).json()
    before = len(kluis.mail.messages(case.email))
    assert staff.post(f"/clients/{record['id']}/invitation").status_code == 202
    token = link_token(kluis.mail.wait_for(case.email, count=before + 1)[before])
    assert kluis.client().post("/activation", json={"token": token, "email": case.email}
                               ).status_code == 202
    office_name = {o["id"]: o["name"] for o in staff.get("/me").json()["offices"]}[office.id]
    return office_name, staff, record


def test_a_client_accepts_one_office_and_declines_another(browse, kluis):
    case = Case(kluis)
    case.activate()
    welcome, welcome_staff, welcome_record = asking_office(kluis, case)
    welcome_staff.post(f"/clients/{welcome_record['id']}/dossiers",
                       json={"number": "K-1", "description": "Verbouwing"})
    stranger, stranger_staff, stranger_record = asking_office(kluis, case)
    page = signed_in(browse, case, viewport=PHONE)
    asked = page.get_by_role("region", name="Verzoek om te koppelen")
    expect(asked).to_contain_text(f"{welcome} wil uw dossier koppelen aan uw Kluis.")
    expect(asked).to_contain_text(f"{stranger} wil uw dossier koppelen aan uw Kluis.")
    assert_accessible(page)
    screenshot(page, "link-requests-phone")
    asked.get_by_role("button", name=f"Accepteren {welcome}").click()
    expect(asked.get_by_role("status")).to_contain_text(f"U deelt uw Kluis nu ook met {welcome}.")
    expect(page.get_by_text("1 lopend, 1 in totaal")).to_be_visible()
    asked.get_by_role("button", name=f"Weigeren {stranger}").click()
    expect(asked.get_by_role("status")).to_contain_text(
        f"U heeft het verzoek van {stranger} geweigerd.")
    expect(asked.get_by_role("button", name="Accepteren")).to_have_count(0)
    assert welcome_staff.get(f"/clients/{welcome_record['id']}/invitation").json()[
        "status"] == "accepted"
    assert stranger_staff.get(f"/clients/{stranger_record['id']}/invitation").json()[
        "status"] == "not_invited"


def test_the_main_account_of_two_companies_chooses_the_company(browse, kluis):
    case = Case(kluis, name="Alfa BV", kind="company")
    case.activate()
    office_name, _staff, second = asking_office(kluis, case, kind="company", name="Beta BV")
    portal = case.login_api()
    assert portal.post(f"/me/link-requests/{second['id']}/accept").status_code == 200
    page = signed_in(browse, case)
    nav(page, "Mijn gegevens")
    extra = page.get_by_role("region", name="Extra accounts")
    extra.get_by_role("radio", name=f"Beta BV ({office_name})").check()
    expect(extra).to_contain_text("Collega's van Beta BV")
    extra.get_by_role("button", name="Extra account toevoegen").click()
    extra.get_by_label("Naam").fill("Sanne de Bakker")
    extra.get_by_label("E-mailadres").fill(f"sanne-{case.email}")
    extra.get_by_role("button", name="Toevoegen en uitnodigen").click()
    expect(extra.get_by_role("listitem").filter(has_text="Sanne de Bakker")).to_be_visible()
    assert_accessible(page)
    assert [a["name"] for a in portal.get("/me/accounts", params={
        "company_id": second["id"]}).json()["items"]] == ["Sanne de Bakker"]
    assert portal.get("/me/accounts", params={
        "company_id": case.client["id"]}).json()["items"] == []
    extra.get_by_role("radio", name="Alfa BV", exact=False).first.check()
    expect(extra.get_by_text("Er zijn nog geen extra accounts.")).to_be_visible()
