"""Instellingen > Koppelingen > API-sleutels in the office portal, as an owner uses it:
creating a key (what is missing explained at the field), the key shown once and working
for the office's system within its rights, its last use, and revoking it after a
confirmation, which counts at once."""

import re

from playwright.sync_api import expect

from tests.e2e.staff_app import Office

from .conftest import DESKTOP, PHONE, assert_accessible, no_sideways_scroll, screenshot
from .test_login import nav
from .test_office import device_token, signed_in_as


def test_an_owner_creates_uses_and_revokes_an_api_key(browse, kluis):
    office = Office(kluis, kluis.admin())
    app, _owner = office.staffed("owner", name="Anna de Vries")
    page = signed_in_as(browse, device_token(app))
    nav(page, "Instellingen")
    keys = page.get_by_role("region", name="API-sleutels")
    expect(keys.get_by_text("Uw kantoor heeft nog geen API-sleutels.")).to_be_visible()
    assert_accessible(page)

    keys.get_by_role("button", name="API-sleutel maken").click()
    expect(keys.get_by_text("Geef de sleutel een naam.").first).to_be_visible()
    expect(keys.get_by_text("Kies ten minste één recht.").first).to_be_visible()
    keys.get_by_label("Naam").fill("Elements")
    keys.get_by_label("Cliënten inzien").check()
    keys.get_by_role("button", name="API-sleutel maken").click()
    expect(keys.get_by_role("status").filter(has_text="De API-sleutel is gemaakt.")).to_be_visible()
    shown = keys.locator("#api-key-value")
    expect(shown).to_have_text(re.compile(r"^klk_"))
    system = kluis.client(shown.inner_text())
    assert system.get("/clients").status_code == 200
    assert system.get("/dossiers").json()["error"] == "scope_missing"

    page.reload()
    expect(keys.locator("#api-key-value")).to_have_count(0)  # shown once
    item = keys.get_by_role("listitem").filter(has_text="Elements")
    expect(item).to_contain_text("Cliënten inzien")
    expect(item).to_contain_text("Laatst gebruikt")
    assert_accessible(page)
    page.set_viewport_size(DESKTOP)
    screenshot(page, "office-integrations-desktop")
    page.set_viewport_size(PHONE)
    assert no_sideways_scroll(page)
    screenshot(page, "office-integrations-phone")

    item.get_by_role("button", name="Intrekken").click()
    expect(
        keys.get_by_text("Weet u zeker dat u de sleutel Elements wilt intrekken?")
    ).to_be_visible()
    keys.get_by_role("button", name="Ja, intrekken").click()
    expect(keys.get_by_role("status").filter(has_text="De sleutel is ingetrokken.")).to_be_visible()
    expect(item).to_contain_text("Ingetrokken")
    assert system.get("/clients").status_code == 401
