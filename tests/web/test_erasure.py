"""Mijn gegevens, "Gegevens laten wissen": the client asks for erasure after confirming,
sees the request per office and what the law keeps, in words; the office sees the
request over the API with the legal ground."""

from playwright.sync_api import expect

from .conftest import assert_accessible
from .test_dossiers import client_with_a_dossier, signed_in
from .test_login import nav


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
    seen = case.staff.get(f"/clients/{case.client['id']}/retention").json()
    assert seen["erasure_requested_at"] and "vijf jaar" in seen["legal_ground"]
