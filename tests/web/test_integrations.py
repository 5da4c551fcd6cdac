"""Instellingen > Koppelingen in the office portal, as an owner uses it: adding a webhook
(refused addresses explained at the field), its secret shown once, the delivery log of a
real event with a redelivery, and removing it."""

import re

from playwright.sync_api import expect

from tests.e2e.staff_app import Office
from tests.systems import unique_email

from .conftest import PHONE, assert_accessible, no_sideways_scroll
from .test_login import nav
from .test_office import device_token, signed_in_as

URL = "https://erp.kluis.invalid/hooks"  # never resolves: each delivery fails, and says why


def test_an_owner_adds_a_webhook_follows_its_log_and_removes_it(browse, kluis):
    office = Office(kluis, kluis.admin())
    app, owner = office.staffed("owner", name="Anna de Vries")
    page = signed_in_as(browse, device_token(app))
    nav(page, "Instellingen")
    expect(page.get_by_role("heading", level=1)).to_have_text("Koppelingen")
    expect(page.get_by_text("Uw kantoor heeft nog geen webhooks.")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("button", name="Webhook toevoegen").click()
    expect(page.get_by_text("Vul een adres in dat begint met https://.").first).to_be_visible()
    expect(page.get_by_text("Kies minstens één gebeurtenis.").first).to_be_visible()
    browse.watch_of(page).expect_failure(422)
    page.get_by_label("Adres (https)").fill("https://10.0.0.7/hooks")
    page.get_by_label("Klant uitgenodigd").check()
    page.get_by_role("button", name="Webhook toevoegen").click()
    expect(page.get_by_text("Dit adres is niet toegestaan").first).to_be_visible()

    page.get_by_label("Adres (https)").fill(URL)
    page.get_by_role("button", name="Webhook toevoegen").click()
    expect(page.get_by_role("status").filter(has_text="De webhook is toegevoegd.")).to_be_visible()
    expect(page.locator("#webhook-secret")).to_have_text(re.compile(r"^whsec_"))
    expect(page.get_by_role("heading", name=URL)).to_be_visible()
    expect(page.get_by_text("Nog geen meldingen verstuurd.")).to_be_visible()

    client = owner.post(
        f"/offices/{office.id}/clients",
        json={"type": "person", "name": "Jan Jansen", "email": unique_email()},
    ).json()
    assert owner.post(f"/clients/{client['id']}/invitation").status_code == 202
    log = page.get_by_role("table", name="Afleverlogboek")
    for _ in range(100):  # the event reaches notify and is tried: reload until it shows
        page.reload()
        if log.get_by_text("address_forbidden").count():
            break
        page.wait_for_timeout(200)
    expect(log.get_by_role("rowheader", name="Klant uitgenodigd")).to_be_visible()
    expect(log).to_contain_text("Wacht")
    assert_accessible(page)
    page.set_viewport_size(PHONE)
    assert no_sideways_scroll(page)

    log.get_by_role("button", name="Opnieuw afleveren").click()
    expect(page.get_by_role("status").filter(has_text="opnieuw afgeleverd")).to_be_visible()
    page.get_by_role("button", name="Webhook verwijderen").click()
    page.get_by_role("button", name="Ja, verwijderen").click()
    expect(page.get_by_role("status").filter(has_text="De webhook is verwijderd.")).to_be_visible()
    expect(page.get_by_text("Uw kantoor heeft nog geen webhooks.")).to_be_visible()
    assert owner.get(f"/offices/{office.id}/webhooks").json()["items"] == []
