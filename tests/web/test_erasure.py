"""Mijn gegevens, "Gegevens laten wissen": the client asks for erasure after confirming,
sees the request per office and what the law keeps, in words; the office sees the
request over the API with the legal ground. The office's client page, "Bewaren en
wissen": staff record a request that came by letter, after confirming."""

from playwright.sync_api import expect

from .conftest import DESKTOP, PHONE, assert_accessible, no_sideways_scroll, screenshot
from .scenario import Case
from .test_dossiers import client_with_a_dossier, signed_in
from .test_login import nav
from .test_office import signed_in_as


def test_the_client_asks_for_erasure_and_the_office_sees_it(browse, kluis):
    case, _dossier = client_with_a_dossier(kluis)
    page = signed_in(browse, case)
    nav(page, "Mijn gegevens")
    erasure = page.get_by_role("region", name="Gegevens laten wissen")
    expect(erasure).to_contain_text("niet gevraagd")
    expect(erasure).to_contain_text("Wwft artikel 33")
    erasure.get_by_role("button", name="Vraag om mijn gegevens te wissen").click()
    erasure.get_by_role("button", name="Annuleren").click()
    assert (
        case.staff.get(f"/clients/{case.client['id']}/retention").json()["erasure_requested_at"]
        is None
    )
    erasure.get_by_role("button", name="Vraag om mijn gegevens te wissen").click()
    erasure.get_by_role("button", name="Ja, vraag om wissen").click()
    expect(erasure.get_by_role("status")).to_contain_text("Uw verzoek is verstuurd")
    expect(erasure).to_contain_text("gevraagd op")
    expect(erasure.get_by_role("button", name="Vraag om mijn gegevens te wissen")).to_have_count(0)
    assert_accessible(page)
    page.set_viewport_size(PHONE)
    assert no_sideways_scroll(page)
    screenshot(page, "my-erasure-phone")
    seen = case.staff.get(f"/clients/{case.client['id']}/retention").json()
    assert seen["erasure_requested_at"] and "vijf jaar" in seen["legal_ground"]


def test_the_office_records_a_request_that_came_by_letter(browse, kluis):
    case = Case(kluis, name="Bert Brief")
    retention = f"/clients/{case.client['id']}/retention"
    token = case.staff.session.headers["Authorization"].split()[1]
    page = signed_in_as(browse, token)
    nav(page, "Klanten")
    page.get_by_role("link", name="Bert Brief").click()
    section = page.get_by_role("region", name="Bewaren en wissen")
    expect(section).to_contain_text("niet gevraagd")
    expect(section).to_contain_text("Wwft artikel 33")
    section.get_by_role("button", name="Verzoek tot wissen vastleggen").click()
    section.get_by_role("button", name="Annuleren").click()
    assert case.staff.get(retention).json()["erasure_requested_at"] is None
    section.get_by_role("button", name="Verzoek tot wissen vastleggen").click()
    section.get_by_role("button", name="Ja, verzoek vastleggen").click()
    expect(section.get_by_role("status")).to_contain_text("Het verzoek tot wissen is vastgelegd")
    expect(section).to_contain_text("vastgelegd op")
    expect(section.get_by_role("button", name="Verzoek tot wissen vastleggen")).to_have_count(0)
    assert_accessible(page)
    assert case.staff.get(retention).json()["erasure_requested_at"]
    for name, size in (("desktop", DESKTOP), ("phone", PHONE)):
        page.set_viewport_size(size)
        section.scroll_into_view_if_needed()
        assert no_sideways_scroll(page), name
        screenshot(page, f"office-retention-{name}")
