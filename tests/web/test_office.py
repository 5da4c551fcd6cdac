"""The office portal and the lender's pages, as staff and the lender use them: switching
office (remembered at the next login), a client created and invited, a document made
public and hidden again, a rejection with a reason from Taken, look-along in a new tab,
an owner approving a registration, the lender creating an office. Signing in on the PC
through the app is walked in test_staff_app.py; here staff start from a session their
phone opened (the same device sign-in)."""
import re

from playwright.sync_api import expect

from tests import samples
from tests.e2e.staff_app import App, Office
from tests.systems import ADMIN_EMAIL, ADMIN_PASSWORD, link_token, unique_email

from .conftest import (
    DESKTOP, PHONE, assert_accessible, downloaded_trail_verifies, no_sideways_scroll, screenshot)
from .scenario import Case
from .test_login import log_in, nav


def signed_in_as(browse, token, **options):
    """A browser whose tab holds a staff session (as after `Inloggen met de app`)."""
    page = browse.page("/login", **options)
    page.evaluate("token => sessionStorage.setItem('kluis.token', token)", token)
    page.goto(browse.origin + "/")
    return page


def device_token(app):
    return app.login().json()["token"]


def test_switching_office_is_remembered_at_the_next_login(browse, kluis):
    first = Office(kluis, kluis.admin())
    second = Office(kluis, first.admin)
    app, owner = first.staffed("owner", name="Anna de Vries")
    email = owner.get("/me").json()["email"]
    assert second.admin.post(f"/offices/{second.id}/staff", json={
        "name": "Anna de Vries", "email": email, "role": "owner"}).status_code == 201
    page = signed_in_as(browse, device_token(app))
    expect(page.get_by_role("heading", level=1)).to_have_text("Start")
    expect(page.get_by_role("banner")).to_contain_text(f"Hypotheekhuis {first.partner_id} (Utrecht)")
    assert_accessible(page)
    page.get_by_role("button", name="Anna de Vries").click()
    menu = page.locator("#profile-menu")
    expect(menu).to_contain_text(email)
    menu.get_by_role("button", name=re.compile(f"Hypotheekhuis {second.partner_id}")).click()
    expect(page.get_by_role("status").filter(has_text=f"U werkt nu voor Hypotheekhuis {second.partner_id}")).to_be_visible()
    expect(page.get_by_role("banner")).to_contain_text(f"Hypotheekhuis {second.partner_id} (Utrecht)")
    nav(page, "Uitloggen")
    again = signed_in_as(browse, device_token(app))
    expect(again.get_by_role("banner")).to_contain_text(f"Hypotheekhuis {second.partner_id} (Utrecht)")
    assert again.evaluate("() => fetch('/api/v1/me', {headers: {Authorization: 'Bearer ' + "
                          "sessionStorage.getItem('kluis.token')}}).then(r => r.json())"
                          ".then(me => me.active_office_id)") == second.id


def test_a_client_created_invited_with_a_document_published_and_hidden(browse, kluis, tmp_path):
    office = Office(kluis, kluis.admin())
    app, _owner = office.staffed("owner", name="Anna de Vries")
    page = signed_in_as(browse, device_token(app))
    nav(page, "Klanten")
    page.get_by_role("link", name="Nieuwe klant").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Nieuwe klant")
    assert_accessible(page)
    address = unique_email()
    page.get_by_label("Naam").fill("Jan Jansen")
    page.get_by_label("E-mailadres").fill(address)
    page.get_by_role("button", name="Opslaan").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Jan Jansen")
    portal = page.get_by_role("region", name="Toegang tot Kluis")
    expect(portal).to_contain_text("Niet uitgenodigd")
    portal.get_by_role("button", name="Uitnodigen").click()
    expect(portal).to_contain_text("Verstuurd")
    invitation = kluis.mail.wait_for(address)[0]
    assert "nodigt u uit" in invitation["Subject"] and link_token(invitation)
    dossiers = page.get_by_role("region", name="Dossiers")
    dossiers.get_by_label("Dossiernummer").fill("2026-200")
    dossiers.get_by_label("Omschrijving").fill("Hypotheek Kerkstraat 3")
    dossiers.get_by_role("button", name="Nieuw dossier").click()
    dossiers.get_by_role("link", name="Dossier 2026-200").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Dossier 2026-200")
    page.get_by_text("Document toevoegen").click()
    page.get_by_label("Titel").fill("Offerte")
    page.get_by_role("switch", name="Publiek").first.check()
    (tmp_path / "offerte.pdf").write_bytes(samples.pdf("Offerte"))
    with page.expect_file_chooser() as chooser:
        page.get_by_role("button", name="Bestand kiezen").click()
    chooser.value.set_files(str(tmp_path / "offerte.pdf"))
    expect(page.get_by_role("status").filter(has_text="offerte.pdf is toegevoegd.")).to_be_visible()
    document = page.get_by_role("tabpanel").get_by_role("listitem").filter(has_text="Offerte")
    expect(document).to_contain_text("Zichtbaar voor de klant")
    expect(page.get_by_role("tab", name="Documenten (1)")).to_be_visible()  # counted at once
    # The footer speaks to the office, not to a client ("uw adviseur").
    expect(page.get_by_role("contentinfo")).to_contain_text("van uw kantoor en uw klanten")
    assert_accessible(page)
    screenshot(page, "office-dossier-desktop")

    # The client activates from the invitation e-mail (through the API here).
    assert kluis.client().post("/activation", json={"token": link_token(invitation),
                                                     "email": address}).status_code == 202
    second = link_token(kluis.mail.wait_for(address, count=2)[1])
    session = kluis.client().post("/activation/complete", json={"token": second,
                                                                "password": "Mijn-Kluis-2026"})
    mine = kluis.client(session.json()["token"])
    dossier_id = page.url.split("/dossiers/")[1].split("?")[0]
    seen = lambda: [d["title"] for d in mine.get(f"/dossiers/{dossier_id}/documents").json()["items"]]  # noqa: E731
    assert seen() == ["Offerte"]
    document.get_by_role("switch", name="Publiek Offerte").uncheck()
    expect(page.get_by_role("status").filter(has_text="is nu verborgen")).to_be_visible()
    assert seen() == []
    document.get_by_role("switch", name="Publiek Offerte").check()
    expect(page.get_by_role("status").filter(has_text="is nu zichtbaar")).to_be_visible()
    assert seen() == ["Offerte"]

    # The dossier's trail, on screen and as a signed file anyone can check.
    page.get_by_role("tab", name="Logboek").click()
    log = page.get_by_role("list", name="Logboek")
    expect(log).to_contain_text("Document verborgen voor de klant")  # the office's words
    expect(log).to_contain_text("Document zichtbaar gemaakt voor de klant")
    expect(log).not_to_contain_text("voor u")  # not the client's ("hidden from you")
    trail = page.get_by_role("region", name="Het logboek als ondertekend bestand")
    output = downloaded_trail_verifies(
        browse, page, trail.get_by_role("button", name="Logboek downloaden"), tmp_path)
    assert output == "OK: the trail is whole\n"
    assert_accessible(page)
    screenshot(page, "office-dossier-audit-desktop")
    # On a phone: the tab, its list and the download fit the width; the keyboard reaches
    # the download button from the tab.
    page.set_viewport_size(PHONE)
    expect(log).to_contain_text("Document verborgen voor de klant")
    assert no_sideways_scroll(page)
    page.get_by_role("tab", name="Logboek").focus()
    download = trail.get_by_role("button", name="Logboek downloaden")
    for _ in range(40):
        page.keyboard.press("Tab")
        if download.evaluate("b => b === document.activeElement"):
            break
    expect(download).to_be_focused()
    screenshot(page, "office-dossier-audit-phone")


def test_a_rejection_with_a_reason_from_taken_and_look_along_in_a_new_tab(browse, kluis):
    case = Case(kluis)
    case.activate()
    dossier = case.dossier(number="2026-300")
    item = case.request(dossier["id"], "Loonstrook")
    assert case.portal.post(f"/requests/{item['id']}/uploads",
                            files={"file": ("loon.pdf", samples.pdf("Loon"))}).status_code == 201
    app = case.office.staffed("staff", approver_client=case.staff, name="Sam Medewerker")[0]
    page = signed_in_as(browse, device_token(app))
    nav(page, "Taken")
    expect(page.get_by_role("heading", level=1)).to_have_text("Taken")
    task = page.get_by_role("listitem").filter(has_text="Aangeleverd document beoordelen")
    task.get_by_role("link", name="Beoordelen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Beoordelen: Loonstrook")
    with page.context.expect_page() as opened:
        page.get_by_role("button", name="Bestand 1 openen").click()
    assert opened.value.url.startswith("blob:")
    opened.value.close()
    page.get_by_role("button", name="Afkeuren").click()
    expect(page.locator("#reason-error")).to_have_text("Vul de reden in.")
    page.get_by_label("Reden").fill("Dit is de loonstrook van vorig jaar")
    page.get_by_role("button", name="Afkeuren").click()
    expect(page.get_by_role("status").filter(has_text="Het document is beoordeeld.")).to_be_visible()
    actions = case.portal.get("/actions").json()["items"]
    assert [(a["status"], a["reason"]) for a in actions if a["id"] == item["id"]] == [
        ("rejected", "Dit is de loonstrook van vorig jaar")]
    assert "afgekeurd" in kluis.mail.wait_for(case.email, subject="afgekeurd")[-1]["Subject"]

    nav(page, "Klanten")
    page.get_by_role("link", name=case.name).click()
    with page.context.expect_page() as opened:
        page.get_by_role("button", name="Meekijken").click()
    looking = opened.value
    expect(looking.get_by_role("heading", level=1)).to_have_text("Home")
    expect(looking.get_by_role("note", name="Meekijksessie")).to_contain_text(
        f"U kijkt mee namens Hypotheekhuis {case.office.partner_id}.")
    assert_accessible(looking)
    assert any(e["action"] == "look_along" for e in case.portal.get("/me/audit").json()["items"])


def test_an_owner_approves_a_registration_and_adds_staff(browse, kluis):
    office = Office(kluis, kluis.admin())
    owner_app, owner = office.staffed("owner", name="Olga Eigenaar")
    person = office.add(owner, "staff", name="Sam Medewerker")
    phone_app = App(kluis)
    phone_app.start()
    phone_app.identify(office.partner_id, email=person["email"])
    phone_app.verify(phone_app.code_from_mail(person["email"]))
    page = signed_in_as(browse, device_token(owner_app), viewport=PHONE)
    nav(page, "Medewerkers")
    expect(page.get_by_role("heading", level=1)).to_have_text("Medewerkers")
    requests = page.get_by_role("region", name="Registratieverzoeken")
    expect(requests).to_contain_text("Sam Medewerker")
    assert no_sideways_scroll(page)
    assert_accessible(page)
    screenshot(page, "office-staff-phone")
    requests.get_by_role("button", name="Goedkeuren Sam Medewerker").click()
    expect(requests.get_by_role("status").filter(has_text="De registratie van Sam Medewerker is goedgekeurd.")).to_be_visible()
    assert phone_app.state()["status"] == "approved"

    staff = page.get_by_role("region", name="Medewerkers van dit kantoor")
    staff.get_by_label("Naam").fill("Gedeelde Mailbox")
    staff.get_by_label("E-mailadres").fill("info@voorbeeld.nl")
    browse.watch_of(page).expect_failure(422)
    staff.get_by_role("button", name="Medewerker toevoegen").click()
    expect(staff.locator("#staff-email-error")).to_contain_text("geen gedeelde mailbox")
    address = unique_email("adviseur")
    staff.get_by_label("E-mailadres").fill(address)
    staff.get_by_label("Naam").fill("Mees Nieuw")
    staff.get_by_role("button", name="Medewerker toevoegen").click()
    expect(staff.get_by_role("status").filter(has_text="Mees Nieuw is toegevoegd")).to_be_visible()
    assert "/app" in kluis.mail.wait_for(address, subject="toegevoegd")[0].get_body(
        preferencelist=("plain",)).get_content()


def test_the_lender_creates_an_office_and_adds_its_owner(browse, kluis):
    page = browse.page("/login")
    log_in(page, ADMIN_EMAIL, ADMIN_PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_have_text("Kantoren")
    assert_accessible(page)
    partner_id = "DP-" + unique_email()[6:14].upper()
    new = page.get_by_role("region", name="Nieuw kantoor")
    new.get_by_label("Distributiepartner ID").fill(partner_id)
    new.get_by_label("Naam").fill("Adviesbureau Zuid")
    new.get_by_label("Plaats").fill("Eindhoven")
    new.get_by_role("button", name="Nieuw kantoor").click()
    expect(new.get_by_role("status").filter(has_text="Adviesbureau Zuid is aangemaakt.")).to_be_visible()
    page.get_by_role("link", name="Adviesbureau Zuid (Eindhoven)").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Adviesbureau Zuid (Eindhoven)")
    staff = page.get_by_role("region", name="Medewerkers van dit kantoor")
    owner_email = unique_email("eigenaar")
    staff.get_by_label("Naam").fill("Olga Eigenaar")
    staff.get_by_label("E-mailadres").fill(owner_email)
    staff.get_by_role("button", name="Medewerker toevoegen").click()
    expect(staff.get_by_role("status").filter(has_text="Olga Eigenaar is toegevoegd")).to_be_visible()
    told = kluis.mail.wait_for(owner_email, subject="toegevoegd")[0]
    assert partner_id in told.get_body(preferencelist=("plain",)).get_content()
    assert_accessible(page)
    # a miss with an address no account has: identity keeps only its blind index, so the
    # list shows "onbekend adres", never what was typed
    stranger = unique_email("onbekend")
    assert kluis.client().post("/auth/login", json={
        "email": stranger, "password": "Niet-Het-Goede-1"}).status_code == 401
    for name in ("Aanleveren", "Systeem", "Beveiliging"):
        nav(page, name)
        expect(page.get_by_role("heading", level=1)).to_have_text(name)
        assert_accessible(page)
        if name == "Systeem":
            attempts = page.get_by_role("listitem").filter(has_text="onbekend adres")
            expect(attempts.first).to_contain_text("Mislukt")
            expect(attempts.first).to_contain_text("geen account met dit adres")
            expect(page.get_by_role("main")).not_to_contain_text(stranger)
            audit = page.get_by_role("region", name="Controlepunten van het logboek")
            audit.get_by_role("button", name="Nu ondertekenen").click()
            expect(audit.get_by_role("status")).to_have_text(
                re.compile(r"^(Ondertekend: (één logboek dat|\d+ logboeken die) sinds de vorige"
                           r" ronde|Er was niets nieuws te ondertekenen)"))
            expect(audit).not_to_contain_text("identity")  # no service names for the admin
            expect(page.get_by_role("contentinfo")).not_to_contain_text("adviseur")
            for viewport, label in ((PHONE, "phone"), (DESKTOP, "desktop")):
                page.set_viewport_size(viewport)
                assert no_sideways_scroll(page)
                screenshot(page, f"admin-system-{label}")


def test_a_person_working_elsewhere_confirms_from_the_e_mail_before_an_office_adds_them(
        browse, kluis):
    elsewhere, office = Office(kluis, kluis.admin()), Office(kluis, kluis.admin())
    person = elsewhere.add(elsewhere.admin, "owner", name="Olga Elders")
    owner_app, _owner = office.staffed("owner", name="Bram Eigenaar")
    page = signed_in_as(browse, device_token(owner_app))
    nav(page, "Medewerkers")
    staff = page.get_by_role("region", name="Medewerkers van dit kantoor")
    staff.get_by_label("Naam").fill("Olga")
    staff.get_by_label("E-mailadres").fill(person["email"])
    staff.get_by_role("button", name="Medewerker toevoegen").click()
    expect(staff.get_by_role("status").filter(has_text="Olga is toegevoegd")).to_be_visible()
    expect(staff).not_to_contain_text("Olga Elders")  # only what the office typed
    asked = kluis.mail.wait_for(person["email"], subject="wil u toevoegen")[0]
    link = browse.page(f"/staff-link?token={link_token(asked)}", viewport=PHONE)
    expect(link.get_by_role("heading", level=1)).to_have_text(
        "Bevestigen dat u voor dit kantoor werkt")
    assert "token" not in link.url
    assert_accessible(link)
    link.get_by_role("button", name="Ja, ik werk voor dit kantoor").click()
    expect(link.get_by_role("status")).to_contain_text(f"Hypotheekhuis {office.partner_id}")
    assert no_sideways_scroll(link)
    screenshot(link, "staff-link-confirmed-phone")
    again = browse.page(f"/staff-link?token={link_token(asked)}")
    browse.watch_of(again).expect_failure(410)
    again.get_by_role("button", name="Ja, ik werk voor dit kantoor").click()
    expect(again.get_by_role("alert")).to_contain_text("Deze link is al gebruikt.")
    page.reload()
    expect(page.get_by_role("region", name="Medewerkers van dit kantoor")).to_contain_text(
        "Olga Elders")
